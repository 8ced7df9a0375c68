import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeFamilyPackage } from '@zoo/test-support';
import {
  catalog,
  edgevit_xxs,
  mobilenet_v1_100,
  mobilenet_v2,
  mobilenet_v3_large,
  mobilenet_v3_small,
  shufflenet_v2_x1_0,
  squeezenet1_1,
} from '../src/index.js';
import { PACKAGE } from '../src/package-name.js';
import '../src/register.js';

describeFamilyPackage({
  package: PACKAGE,
  packageDir: new URL('..', import.meta.url),
  catalog,
  // ShuffleNetV1's default head pools the authors' fixed 7x7 window (193 px and up); EdgeViT takes 32k to 32k+3.
  frontDoorSize: (e) => (e.family === 'ShuffleNetV1' ? 193 : e.family === 'EdgeViT' ? 64 : 65),
  // A CNN with depthwise convolutions and a hybrid with attention.
  quantize: [mobilenet_v3_small, edgevit_xxs],
  weights: {
    sets: [
      [mobilenet_v3_small, { weights: 'IMAGENET1K_V1' }],
      [shufflenet_v2_x1_0, { weights: 'IMAGENET1K_V1', format: 'legacy' }],
      [squeezenet1_1, { weights: 'IMAGENET1K_V1' }],
      [mobilenet_v1_100, { weights: 'timm/mobilenetv1_100.ra4_e3600_r224_in1k' }],
      // A half-precision safetensors file, as some hub repositories hold: float16 tensors read as the
      // values they stand for (the reference computes with the same rounded values).
      [mobilenet_v3_small, { weights: 'timm/mobilenetv3_small_100.lamb_in1k', dtype: 'float16', convention: 'timm' }],
    ],
    // timm's checkpoints of torchvision's architectures, at the tag's size and at an odd one (timm's
    // BatchNorm eps 1e-5 is the sets' `normEps`).
    timm: [
      [mobilenet_v2, { weights: 'timm/mobilenetv2_100.ra_in1k', sizes: [224, 193], convention: 'timm' }],
      [mobilenet_v3_small, { weights: 'timm/mobilenetv3_small_100.lamb_in1k', sizes: [224, 193], convention: 'timm' }],
      [mobilenet_v3_large, { weights: 'timm/mobilenetv3_large_100.miil_in21k_ft_in1k', sizes: [224, 193], convention: 'timm' }],
    ],
  },
});
