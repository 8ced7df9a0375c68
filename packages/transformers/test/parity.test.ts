import { describe, expect, it } from '@jest/globals';
import { checkParity } from '@zoo/parity';
import { swin_b, swin_s, swin_t, vit_b_16, vit_b_32, vit_l_16, vit_l_32 } from '../src/index.js';

// Outputs equal torchvision's for the same (random) weights, loaded through the strict state-dict
// loader: nn.MultiheadAttention's in_proj_weight/in_proj_bias, class_token, encoder.pos_embedding
// and relative_position_bias_table map by the layers' own rules. Reference fixtures are generated
// by Debian's PyTorch into .fixtures/ on first use. Minutes, not seconds. vit_h_14 (2.5 GB of
// weights) is checked in vit-h.test.ts, where its cost is measured and no other model shares the heap.
describe('transformers compute what torchvision computes', () => {
  it.each([
    ['vit_b_16', 224, vit_b_16],
    ['vit_b_32', 224, vit_b_32],
    ['swin_t', 224, swin_t],
    // 256: stage maps 64, 32, 16, 8, none whole 7x7 windows: torchvision's padding and mask.
    ['swin_t', 256, swin_t],
    ['swin_s', 224, swin_s],
    ['swin_b', 224, swin_b],
    ['vit_l_32', 224, vit_l_32],
    ['vit_l_16', 224, vit_l_16],
  ] as const)(
    '%s at %i px square, batch 2',
    async (_name, size, entry) => {
      const r = await checkParity(entry, { size, batch: 2 });
      expect(r.relative).toBeLessThanOrEqual(1e-4);
    },
    1_800_000,
  );
});
