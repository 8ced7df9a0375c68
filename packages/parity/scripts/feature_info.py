"""timm's `feature_info` for models of timm, as JSON: {name: [{module, num_chs, reduction}, ...]}.

Usage: python3 feature_info.py resnet50 vit_base_patch16_224 ... (needs timm on the path). The
models are built with `features_only=True` and their initialisers skipped: the stages need the
architecture only, and drawing ViT-H's 632M random weights would take most of a minute.
"""

import json
import sys

import torch


def skip(*args, **kwargs):
    return args[0] if args else None


# Random draws are most of the cost of building (timm's own initialisers call these on every weight).
for name in ("uniform_", "normal_", "erfinv_", "trunc_normal_"):
    if hasattr(torch.Tensor, name):
        setattr(torch.Tensor, name, skip)
for name in dir(torch.nn.init):
    if name.endswith("_") and not name.startswith("_"):
        setattr(torch.nn.init, name, skip)

import timm  # noqa: E402  (after the initialisers are replaced, so that timm's own imports see them)
import timm.layers  # noqa: E402

for mod in (timm.layers, timm.layers.weight_init):
    for name in ("trunc_normal_", "trunc_normal_tf_", "variance_scaling_", "lecun_normal_"):
        if hasattr(mod, name):
            setattr(mod, name, skip)

out = {}
for model_name in sys.argv[1:]:
    with torch.no_grad():
        m = timm.create_model(model_name, pretrained=False, features_only=True)
    # Every stage, not only the default out_indices (a ViT's default is its last three blocks).
    info = m.feature_info
    stages = getattr(info, "info", None) or info.get_dicts()
    out[model_name] = {
        "stages": [{"module": d["module"], "num_chs": d["num_chs"], "reduction": d["reduction"]} for d in stages],
        "out_indices": list(info.out_indices),
    }
    del m
print(json.dumps(out))
