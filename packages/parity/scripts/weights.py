"""Reference fixtures for the zoo's pretrained-weights tests: checkpoints in the very format a
weight set's source publishes, and the reference's output for them.

    /usr/bin/python3 weights.py checkpoint --publisher torchvision --model resnet50 --set IMAGENET1K_V2 \
        --format zip --checkpoint ckpt.pth --io io.safetensors:224 --batch 2
    /usr/bin/python3 weights.py checkpoint --publisher timm --model resnet50.a1_in1k --format safetensors ...
    /usr/bin/python3 weights.py preprocess cases.json out-dir

`checkpoint` builds the reference (torchvision's builder, with the keyword arguments its weights
enum implies, or timm's `create_model(tag, pretrained=False)`), randomises it as the parity
fixtures do (reference.py), and saves its state dict as the source does: `torch.save` in the zip
format or the older non-zip one (torchvision's `.pth`), or safetensors written by the
`safetensors` package (the hub's `model.safetensors`). `--legacy` renames keys back to the names
torchvision's older files carry, to prove the loader maps them as torchvision's loader does.

`--dtype float16` saves the floating tensors as float16 (the hub's half-precision files), and
the reference computes with the values rounded to float16, which is what the file holds.

`--timm-kwargs` passes arguments to `timm.create_model` (`{"img_size": 256}`: a fixed-size
architecture built for another input size, its position tables at that size).

`preprocess` runs each case's image (PIL) through the weights' own transform: torchvision's
`weights.transforms()`, or timm's `resolve_data_config` + `create_transform`, and writes the
NHWC float32 result of each case to `<out-dir>/<id>.f32`.
"""

import argparse
import json
import os
import re
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import randomise, write_io  # noqa: E402

# Older torchvision files: DenseNet's `norm.1` for `norm1` (torchvision's densenet._load_state_dict
# undoes it), ViT's `mlp.linear_1` for `mlp.0` (MLPBlock._load_from_state_dict undoes it).
LEGACY = {
    "densenet": lambda k: re.sub(r"^(.*denselayer\d+\.(?:norm|relu|conv))([12])\.(weight|bias|running_mean|running_var)$", r"\1.\2.\3", k),
    "vit": lambda k: re.sub(r"^(encoder\.layers\.[^.]+\.mlp)\.([03])\.(weight|bias)$", lambda m: f"{m.group(1)}.linear_{int(m.group(2)) // 3 + 1}.{m.group(3)}", k),
}


def torchvision_model(name, set_name):
    kwargs = {}
    weights = torchvision.models.get_model_weights(name)[set_name]
    kwargs["num_classes"] = len(weights.meta["categories"])
    model = torchvision.models.get_model(name, weights=None, **kwargs)
    # ViT builders set image_size from the weights' min_size (SWAG sets at 384, 512, 518).
    if isinstance(model, torchvision.models.VisionTransformer) and weights.meta.get("min_size", (224,))[0] != model.image_size:
        kwargs["image_size"] = weights.meta["min_size"][0]
        model = torchvision.models.get_model(name, weights=None, **kwargs)
    return model


def timm_model(tag, kwargs):
    import timm

    return timm.create_model(tag, pretrained=False, **kwargs)


def save(model, path, fmt, legacy, dtype):
    sd = model.state_dict()
    if dtype == "float16":
        sd = type(sd)((k, v.half() if v.is_floating_point() else v) for k, v in sd.items())
    if legacy:
        rename = LEGACY[legacy]
        sd = type(sd)((rename(k), v) for k, v in sd.items())
    tmp = f"{path}.{os.getpid()}.tmp"
    if fmt == "safetensors":
        from safetensors.torch import save_file

        save_file({k: v.contiguous() for k, v in sd.items()}, tmp, metadata={"format": "pt"})
    else:
        torch.save(sd, tmp, _use_new_zipfile_serialization=(fmt == "zip"))
    os.replace(tmp, path)


def checkpoint(a):
    torch.manual_seed(a.seed)
    model = torchvision_model(a.model, a.set) if a.publisher == "torchvision" else timm_model(a.model, json.loads(a.timm_kwargs))
    model.eval()
    if os.path.exists(a.checkpoint):
        if a.format == "safetensors":
            from safetensors.torch import load_file

            sd = load_file(a.checkpoint)
        else:
            sd = torch.load(a.checkpoint)
        if a.legacy:
            inverse = {LEGACY[a.legacy](k): k for k in model.state_dict()}
            sd = {inverse.get(k, k): v for k, v in sd.items()}
        model.load_state_dict(sd)
    else:
        randomise(model, a.seed, a.calib_size, a.residual_norms, a.residual_gain)
        if a.dtype == "float16":
            # The file holds float16 values: the reference computes with those, rounded as .half() rounds them.
            with torch.no_grad():
                for t in model.state_dict().values():
                    if t.is_floating_point():
                        t.copy_(t.half().float())
        save(model, a.checkpoint, a.format, a.legacy, a.dtype)
    write_io(model, a.io, a.seed, a.batch)
    if a.classify:
        classify(model, a)


def classify(model, a):
    """The model's top-k for one image's decoded pixels, through the weights' own transform (PIL, as its publisher runs it)."""
    from PIL import Image

    image_json, out = a.classify.split(":")
    img = json.load(open(image_json))
    hwc = np.array(img["data"], dtype=np.uint8).reshape(img["height"], img["width"], 3)
    t = transform_of({"publisher": a.publisher, "builder": a.model, "set": a.set, "tag": a.model})
    x = t(Image.fromarray(hwc)).unsqueeze(0)
    with torch.no_grad():
        p = torch.softmax(model(x), dim=-1)[0]
    top = torch.topk(p, img["top"])
    with open(out, "w") as f:
        json.dump({"indices": top.indices.tolist(), "probabilities": top.values.tolist(), "transform": repr(t)}, f)


def transform_of(case):
    if case["publisher"] == "torchvision":
        return torchvision.models.get_model_weights(case["builder"])[case["set"]].transforms()
    import timm
    from timm.data import create_transform, resolve_data_config

    model = timm.create_model(case["tag"], pretrained=False)
    return create_transform(**resolve_data_config({}, model=model))


def preprocess(a):
    from PIL import Image

    cases = json.load(open(a.cases))
    os.makedirs(a.out, exist_ok=True)
    for c in cases:
        img = c["image"]
        hwc = np.array(img["data"], dtype=np.uint8).reshape(img["height"], img["width"], 3)
        t = transform_of(c)
        x = t(Image.fromarray(hwc))
        x.permute(1, 2, 0).contiguous().numpy().astype("<f4").tofile(os.path.join(a.out, f"{c['id']}.f32"))
        with open(os.path.join(a.out, f"{c['id']}.json"), "w") as f:
            json.dump({"shape": [1, *x.shape[1:], 3], "transform": repr(t)}, f)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("checkpoint")
    c.add_argument("--publisher", choices=["torchvision", "timm"], required=True)
    c.add_argument("--model", required=True, help="torchvision builder, or timm tag")
    c.add_argument("--set", default=None, help="torchvision weights enum member")
    c.add_argument("--format", choices=["zip", "legacy", "safetensors"], required=True)
    c.add_argument("--legacy", choices=sorted(LEGACY), default=None)
    c.add_argument("--dtype", choices=["float32", "float16"], default="float32", help="the floating tensors' dtype in the file")
    c.add_argument("--timm-kwargs", default="{}", help="JSON keyword arguments of timm.create_model (img_size for another input size)")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--calib-size", type=int, default=224)
    c.add_argument("--residual-norms", default=None)
    c.add_argument("--residual-gain", type=float, default=0.2)
    c.add_argument("--checkpoint", required=True)
    c.add_argument("--io", action="append", default=[])
    c.add_argument("--batch", type=int, default=2)
    c.add_argument("--classify", default=None, help="IMAGE_JSON:OUT_JSON: the top-k of an image's pixels (uint8 HWC), through the weights' transform")
    p = sub.add_parser("preprocess")
    p.add_argument("cases")
    p.add_argument("out")
    a = ap.parse_args()
    checkpoint(a) if a.command == "checkpoint" else preprocess(a)


if __name__ == "__main__":
    sys.exit(main())
