"""torchvision's preprocessing of the images the core-blocks tests make, for comparison.

Usage: /usr/bin/python3 torchvision-preprocess.py cases.json out.json  (Debian torchvision 0.14)

Each case has an HWC image (uint8 or float32 values), a data configuration and a path:
'tensor' runs torchvision's transforms on a CHW tensor, 'pil' on a PIL image (uint8 only),
which is how torchvision's published accuracies were measured. Writes NHWC results.
"""
import json
import sys

import numpy as np
import torch
from PIL import Image
from torchvision import transforms as T
from torchvision.transforms import InterpolationMode
from torchvision.transforms._presets import ImageClassification

MODES = {'nearest': InterpolationMode.NEAREST, 'bilinear': InterpolationMode.BILINEAR, 'bicubic': InterpolationMode.BICUBIC}


def run(case):
    img, cfg = case['image'], case['config']
    hwc = np.array(img['data'], dtype=np.uint8 if img['dtype'] == 'uint8' else np.float32).reshape(img['height'], img['width'], 3)
    mode = MODES[cfg['interpolation']]
    if case['path'] == 'pil':
        # The weights' own transform on a PIL image: PIL always antialiases.
        x = ImageClassification(crop_size=cfg['cropSize'], resize_size=cfg['resizeSize'], interpolation=mode, mean=cfg['mean'], std=cfg['std'])(Image.fromarray(hwc))
    else:
        t = torch.from_numpy(hwc.copy()).permute(2, 0, 1).contiguous()
        x = T.Compose([
            T.Resize(cfg['resizeSize'], interpolation=mode, antialias=cfg['antialias']),
            T.CenterCrop(cfg['cropSize']),
            T.ConvertImageDtype(torch.float),
            T.Normalize(cfg['mean'], cfg['std']),
        ])(t)
    return {'shape': [1, *x.shape[1:], 3], 'data': x.permute(1, 2, 0).reshape(-1).tolist()}


def main():
    cases = json.load(open(sys.argv[1]))
    out = {c['id']: run(c) for c in cases}
    json.dump({'torchvision': __import__('torchvision').__version__, 'results': out}, open(sys.argv[2], 'w'))


if __name__ == '__main__':
    main()
