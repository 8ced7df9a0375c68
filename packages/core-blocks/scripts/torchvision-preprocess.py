"""torchvision's preprocessing of the images the core-blocks tests make, for comparison.

Usage: /usr/bin/python3 torchvision-preprocess.py cases.json out.json  (Debian torchvision 0.14, PIL 9.4)

Each case has an HWC image (uint8 or float32 values), a data configuration and a path:
'tensor' runs torchvision's transforms on a CHW tensor and writes the NHWC result as numbers;
'pil' runs the weights' own transform (ImageClassification) on a PIL image (uint8 only), which is
how torchvision's and timm's published accuracies were measured. For a PIL case it writes the
8-bit crop PIL and torchvision produce before scaling (`u8`: HWC bytes, base64) and the SHA-256
of the transform's float32 NHWC output (little-endian), which is a float32 function of those
bytes: the test rebuilds the output from `u8` and checks it against that hash, so the recording
is exact and small.
"""
import base64
import hashlib
import json
import sys

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F
from torchvision.transforms._presets import ImageClassification

MODES = {'nearest': InterpolationMode.NEAREST, 'bilinear': InterpolationMode.BILINEAR, 'bicubic': InterpolationMode.BICUBIC}


def run(case):
    img, cfg = case['image'], case['config']
    hwc = np.array(img['data'], dtype=np.uint8 if img['dtype'] == 'uint8' else np.float32).reshape(img['height'], img['width'], 3)
    mode = MODES[cfg['interpolation']]
    if case['path'] == 'pil':
        pil = Image.fromarray(hwc)
        # The weights' own transform on a PIL image: PIL always antialiases.
        x = ImageClassification(crop_size=cfg['cropSize'], resize_size=cfg['resizeSize'], interpolation=mode, mean=cfg['mean'], std=cfg['std'])(pil)
        # The same steps, stopped at the 8-bit crop.
        u8 = F.pil_to_tensor(F.center_crop(F.resize(pil, [cfg['resizeSize']], interpolation=mode), [cfg['cropSize']]))
        again = F.normalize(F.convert_image_dtype(u8, torch.float), cfg['mean'], cfg['std'])
        assert torch.equal(again, x), f"{case['id']}: ImageClassification is not a function of the 8-bit crop"
        nhwc = x.permute(1, 2, 0).contiguous().numpy().astype('<f4')
        return {
            'shape': [1, *x.shape[1:], 3],
            'u8': base64.b64encode(u8.permute(1, 2, 0).contiguous().numpy().tobytes()).decode('ascii'),
            'sha256': hashlib.sha256(nhwc.tobytes()).hexdigest(),
        }
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
    json.dump({'torchvision': torchvision.__version__, 'PIL': PIL.__version__, 'results': out}, open(sys.argv[2], 'w'))


if __name__ == '__main__':
    main()
