"""Reference fixtures for the zoo's parity tests.

For a torchvision model name (or a timm one, with --builder timm) and a seed: builds the model
with random weights, randomises what a fresh model leaves constant (BatchNorm running statistics,
norm affine parameters, zero-initialised heads and tokens) so that the comparison exercises them,
writes the state dict as safetensors, then for each requested size writes a fixed input batch
(NCHW) and the model's eval-mode output.

With --features, the outputs are feature maps instead (`feat.0`, `feat.1`, ...), as the reference
library's own feature extractor gives them: torchvision's `create_feature_extractor` on the named
module paths, or timm's `features_only=True` model at the given `out_indices`, holding the very
weights of the classification model written to the checkpoint.

Run with Debian's PyTorch: /usr/bin/python3 reference.py --model resnet50 --seed 0 \
    --checkpoint ckpt.safetensors --io io-224.safetensors:224 --batch 2
Written by hand (struct + json): the `safetensors` package is not installed here.
"""

import argparse
import json
import os
import re
import struct
import sys

import torch
import torchvision

DTYPES = {
    torch.float64: "F64",
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    # Rename last, so that a fixture on disk is always complete.
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + n])
    header.pop("__metadata__", None)
    by_name = {v: k for k, v in DTYPES.items()}
    out = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        raw = bytearray(blob[8 + n + begin : 8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=by_name[e["dtype"]]).reshape(e["shape"]) if raw else torch.zeros(e["shape"], dtype=by_name[e["dtype"]])
    return out


def randomise(model, seed, calib_size, residual_norms=None, residual_gain=0.2):
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for p in model.parameters():
            flat = p.detach().reshape(-1)
            if flat.numel() == 0 or not bool((flat == flat[0]).all()):
                continue
            c = float(flat[0])
            if c == 1.0:
                p.copy_(torch.rand(p.shape, generator=g) + 0.5)
            else:
                p.copy_(c + 0.1 * torch.randn(p.shape, generator=g))
        # A random deep residual net amplifies float32 rounding block after block (ResNet-152:
        # PyTorch's own float32 output is 4e-4 away from float64, past the tolerance); trained
        # nets keep their residual branches small, and so does a gain on the norms ending them.
        if residual_norms:
            pattern = re.compile(residual_norms)
            for name, m in model.named_modules():
                if pattern.search(name) and getattr(m, "weight", None) is not None:
                    m.weight.mul_(residual_gain)
        norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm) and m.track_running_stats]
        if not norms:
            return

        # Random statistics unrelated to the data blow activations up layer after layer (1e11 at
        # the end of ResNet-152); statistics measured on a batch then perturbed keep them sane.
        def calibrate(m, inputs):
            x = inputs[0].transpose(0, 1).reshape(m.num_features, -1)
            mean, var = x.mean(1), x.var(1).clamp_min(1e-3)
            m.running_mean.copy_(mean + 0.2 * var.sqrt() * torch.randn(mean.shape, generator=g))
            m.running_var.copy_(var * (torch.rand(var.shape, generator=g) + 0.5))
            m.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=g)))

        hooks = [m.register_forward_pre_hook(calibrate) for m in norms]
        model(torch.randn(2, 3, calib_size, calib_size, generator=g))
        for h in hooks:
            h.remove()


def normalised(key):
    """A state-dict key as timm's feature wrappers may rename it (`model.` in front, `layers_0` for `layers.0`)."""
    key = key[len("model.") :] if key.startswith("model.") else key
    return key.replace("_", ".")


def timm_features(model, name, kwargs, out_indices):
    """timm's `features_only` model for `name`, holding `model`'s weights (every one of its keys found)."""
    import timm

    fm = timm.create_model(name, pretrained=False, features_only=True, out_indices=out_indices, **kwargs)
    source = {normalised(k): v for k, v in model.state_dict().items()}
    state = {}
    for k in fm.state_dict():
        if normalised(k) not in source:
            raise SystemExit(f"timm's features_only {name} has {k}, which its classification model lacks")
        state[k] = source[normalised(k)]
    fm.load_state_dict(state)
    return fm.eval()


def feature_extractor(model, a):
    """A callable giving the list of feature maps --features asks for."""
    if a.builder == "timm":
        fm = timm_features(model, a.model, json.loads(a.kwargs), [int(i) for i in a.features.split(",")])
        return lambda x: list(fm(x))
    from torch.fx.proxy import TraceError
    from torchvision.models.feature_extraction import create_feature_extractor

    nodes = a.features.split(",")
    try:
        fx = create_feature_extractor(model, return_nodes={n: f"feat.{i}" for i, n in enumerate(nodes)}).eval()
    except TraceError:
        # torch.fx cannot trace every model (ShuffleNetV2's channel_shuffle unpacks x.size()); a
        # module path's node is that module's output, which a forward hook reads as well. The
        # failed trace leaves the model in train mode (it traces that first): back to eval.
        return hooked_outputs(model.eval(), nodes)

    def run(x):
        out = fx(x)
        return [out[f"feat.{i}"] for i in range(len(nodes))]

    return run


def hooked_outputs(model, paths):
    """The outputs of the modules at `paths` in one forward pass, read by forward hooks (each module called once)."""
    modules = dict(model.named_modules())
    missing = [p for p in paths if p not in modules]
    if missing:
        raise SystemExit(f"{type(model).__name__} cannot be traced, and {', '.join(missing)} name no module for a hook")

    def run(x):
        seen = {}
        hooks = [modules[p].register_forward_hook(lambda m, i, out, p=p: seen.setdefault(p, []).append(out)) for p in paths]
        try:
            model(x)
        finally:
            for h in hooks:
                h.remove()
        wrong = [p for p in paths if len(seen.get(p, [])) != 1]
        if wrong:
            raise SystemExit(f"modules {', '.join(wrong)} ran {[len(seen.get(p, [])) for p in wrong]} times; a map needs one output")
        return [seen[p][0] for p in paths]

    return run


def write_io(model, specs, seed, batch, features=None):
    """For each PATH:SIZE, a fixed random batch (NCHW) and the model's eval-mode output on it."""
    for spec in specs:
        path, size = spec.rsplit(":", 1)
        size = int(size)
        g = torch.Generator().manual_seed(seed * 1000003 + size)
        x = torch.randn(batch, 3, size, size, generator=g)
        with torch.no_grad():
            if features is None:
                write_safetensors(path, {"input": x, "output": model(x)})
            else:
                write_safetensors(path, {"input": x, **{f"feat.{i}": y for i, y in enumerate(features(x))}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--builder", default="torchvision", choices=["torchvision", "timm"])
    ap.add_argument("--features", default=None, help="torchvision: module paths; timm: out_indices (comma-separated)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kwargs", default="{}", help="JSON keyword arguments of the torchvision builder")
    ap.add_argument("--calib-size", type=int, default=224)
    ap.add_argument("--residual-norms", default=None, help="regex of the module paths of the norms that end residual branches")
    ap.add_argument("--residual-gain", type=float, default=0.2)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--io", action="append", default=[], help="PATH:SIZE, one per input size")
    ap.add_argument("--batch", type=int, default=2)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    if a.builder == "timm":
        import timm

        model = timm.create_model(a.model, pretrained=False, **json.loads(a.kwargs))
    else:
        model = torchvision.models.get_model(a.model, weights=None, **json.loads(a.kwargs))
    model.eval()
    # Outputs for a new size must come from the very weights already written, not a re-draw.
    if os.path.exists(a.checkpoint):
        model.load_state_dict(read_safetensors(a.checkpoint))
    else:
        randomise(model, a.seed, a.calib_size, a.residual_norms, a.residual_gain)
        write_safetensors(a.checkpoint, model.state_dict())
    write_io(model, a.io, a.seed, a.batch, feature_extractor(model, a) if a.features else None)


if __name__ == "__main__":
    sys.exit(main())
