"""One PyTorch training step of a torchvision model, for the zoo's train-mode check.

Builds the model with random weights, randomises what a fresh model leaves constant (BatchNorm
statistics and affine parameters, as the parity fixtures do), writes that state dict, then takes
one SGD step in train mode on a fixed batch (cross-entropy on the logits, BatchNorm on the
batch's statistics and updating its running ones) and writes the state dict after it, with the
batch, the labels and the loss.

Run with Debian's PyTorch: /usr/bin/python3 train_step.py --reference-dir DIR --model
mobilenet_v3_small --size 64 --batch 4 --lr 0.05 --out OUT (DIR holds the parity package's
reference.py, whose randomise and write_safetensors this reuses).
"""

import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F
import torchvision


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference-dir", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--kwargs", default="{}")
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--lr", type=float, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    sys.path.insert(0, a.reference_dir)
    from reference import randomise, write_safetensors

    torch.manual_seed(a.seed)
    model = torchvision.models.get_model(a.model, weights=None, num_classes=a.classes, **json.loads(a.kwargs))
    model.eval()
    randomise(model, a.seed, a.size)
    write_safetensors(os.path.join(a.out, "before.safetensors"), model.state_dict())

    g = torch.Generator().manual_seed(a.seed + 7)
    x = torch.randn(a.batch, 3, a.size, a.size, generator=g)
    labels = torch.randint(0, a.classes, (a.batch,), generator=g)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=a.lr)
    opt.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    opt.step()
    write_safetensors(os.path.join(a.out, "after.safetensors"), model.state_dict())
    write_safetensors(
        os.path.join(a.out, "io.safetensors"),
        {"input": x, "labels": labels.to(torch.float32), "loss": loss.detach().reshape(1), "logits": logits.detach()},
    )


if __name__ == "__main__":
    sys.exit(main())
