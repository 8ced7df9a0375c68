"""Exports a model of the zoo's reference (random weights: latency does not depend on their values) to ONNX.

Usage: /usr/bin/python3 export_onnx.py <model name> <out.onnx>
A torchvision model by its name, else timm's (the reference of HRNet; timm in .cache/python, on
PYTHONPATH, as the parity tests install it).
Batch 1, 3x224x224, opset 13, inference mode (BatchNorm running statistics, no dropout).
"""
import sys

import torch
import torchvision

name, out = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
if hasattr(torchvision.models, name):
    model = getattr(torchvision.models, name)(weights=None).eval()
else:
    import timm

    model = timm.create_model(name, pretrained=False).eval()
x = torch.randn(1, 3, 224, 224)
# With autograd on: nn.MultiheadAttention's fused fast path (taken under no_grad) has no ONNX export.
torch.onnx.export(model, x, out, opset_version=13, input_names=["input"], output_names=["logits"], do_constant_folding=True)
print(out)
