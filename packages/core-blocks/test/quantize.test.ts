import { describe, expect, it } from '@jest/globals';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import {
  dequantizeValues,
  MIN_QUANTIZED_VALUES,
  QUANTIZE_DTYPES,
  type QuantizeDtype,
  type QuantizedValues,
  quantizeArtifacts,
  quantizeCheckpoint,
  quantizes,
  quantizeValues,
  readSafetensors,
  writeSafetensors,
  ZooOptionError,
  ZooQuantizeError,
  ZooSafetensorsHeaderError,
} from '../src/family.js';

/** What TF.js's own reader (`tf.io.decodeWeights`, used by `tf.loadLayersModel`) makes of quantized bytes. */
function tfjsDecode(q: QuantizedValues, n: number): Float32Array {
  const spec: tf.io.WeightsManifestEntry = {
    name: 'w',
    shape: [n],
    dtype: 'float32',
    quantization: q.dtype === 'float16' ? { dtype: 'float16' } : { dtype: q.dtype, scale: q.scale!, min: q.min! },
  };
  const t = tf.io.decodeWeights(q.bytes.slice().buffer, [spec]).w!;
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** A deterministic spread of values: normal-ish, with a few outliers, as a trained kernel's. */
function kernelLike(n: number, seed: number): Float32Array {
  let a = seed;
  const next = () => {
    a = (a * 1103515245 + 12345) >>> 0;
    return a / 2 ** 32;
  };
  return Float32Array.from({ length: n }, (_, i) => (next() + next() + next() - 1.5) * 0.1 * (i % 97 === 0 ? 8 : 1));
}

describe('quantizeValues', () => {
  it.each(QUANTIZE_DTYPES)('%s: TF.js decodes the bytes to exactly the values dequantizeValues gives', (dtype) => {
    const v = kernelLike(5000, 3);
    const q = quantizeValues(v, dtype)!;
    expect(q.bytes.byteLength).toBe(v.length * (dtype === 'uint8' ? 1 : 2));
    expect(tfjsDecode(q, v.length)).toEqual(dequantizeValues(q));
  });

  it.each([
    ['uint8', 255],
    ['uint16', 65535],
  ] as const)('%s: each value within half a step of its own, zero exact, the ends of the range reached', (dtype, qmax) => {
    const v = kernelLike(5000, 11);
    v[17] = 0;
    const q = quantizeValues(v, dtype)!;
    const lo = Math.min(0, ...v);
    const hi = Math.max(0, ...v);
    expect(q.scale).toBeCloseTo((hi - lo) / qmax, 12);
    // 0 falls on a step: min is a whole number of steps below it.
    expect(Math.abs(q.min! / q.scale! - Math.round(q.min! / q.scale!))).toBeLessThan(1e-9);
    const d = dequantizeValues(q);
    expect(d[17]).toBe(0);
    let worst = 0;
    for (let i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(d[i] - v[i]));
    // Half a step, and float32's rounding of the result.
    expect(worst).toBeLessThanOrEqual(q.scale! / 2 + 1e-7 * hi);
    expect(worst).toBeGreaterThan(q.scale! / 4);
    const codes = dtype === 'uint8' ? q.bytes : new Uint16Array(q.bytes.slice().buffer);
    expect(Math.min(...codes)).toBe(0);
    expect(Math.max(...codes)).toBe(qmax);
  });

  it('uint8 rounds each value to the nearest step', () => {
    // Range [-1, 1]: scale 2/255, and 0 on step 128 (127.5 rounded), so min = -128 * 2/255.
    const q = quantizeValues(Float32Array.from([-1, 0, 0.5, 1, 0.0035, 0.0118]), 'uint8')!;
    expect(q.scale).toBe(2 / 255);
    expect(q.min).toBe((-128 * 2) / 255);
    // -1 and 1 lie half a step beyond the ends and are clamped to them; 0.0035 is 0.45 of a step, 0.0118 is 1.51 steps.
    expect([...q.bytes]).toEqual([0, 128, Math.round(0.5 / (2 / 255)) + 128, 255, 128, 130]);
  });

  it('a constant tensor has scale 0 and its value as min: exact (zeros too)', () => {
    for (const dtype of ['uint8', 'uint16'] as const) {
      for (const c of [0.3, -2.5, 0]) {
        const q = quantizeValues(new Float32Array(1500).fill(c), dtype)!;
        expect([q.scale, q.min]).toEqual([0, Math.fround(c)]);
        expect(tfjsDecode(q, 1500)).toEqual(new Float32Array(1500).fill(c));
      }
    }
  });

  it('float16 rounds to nearest even and keeps subnormals; a value it cannot hold gives null', () => {
    const v = Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 ** -24, 3 * 2 ** -26, 65504, -0.1]);
    const d = dequantizeValues(quantizeValues(v, 'float16')!);
    expect([...d]).toEqual([1, 1 + 2 ** -9, 2 ** -24, 2 ** -24, 65504, Math.fround(-0.0999755859375)]);
    expect(quantizeValues(Float32Array.from([1, 70000]), 'float16')).toBeNull();
    expect(quantizeValues(Float32Array.from([1, Number.NaN]), 'float16')).toBeNull();
    expect(quantizeValues(Float32Array.from([1, Number.POSITIVE_INFINITY]), 'uint8')).toBeNull();
  });
});

describe('the rule', () => {
  it('quantizes kernels of 1024 values or more, in both conventions, and nothing else', () => {
    expect(MIN_QUANTIZED_VALUES).toBe(1024);
    const yes: Array<[string, number[]]> = [
      ['layer1.0.conv1/kernel', [3, 3, 64, 64]],
      ['features.1.0.block.0.0/kernel', [3, 3, 1, 32]], // a depthwise kernel of 288 values: too small
      ['heads.head/kernel', [768, 1000]],
      ['encoder.layers.encoder_layer_0.self_attention/kernel', [768, 2304]],
      ['layer1.0.conv1.weight', [64, 64, 3, 3]],
      ['encoder.layers.encoder_layer_0.self_attention.in_proj_weight', [2304, 768]],
    ];
    expect(yes.map(([n, s]) => quantizes(n, s))).toEqual([true, false, true, true, true, true]);
    const no: Array<[string, number[]]> = [
      ['bn1/gamma', [2048]],
      ['bn1.weight', [2048]],
      ['layer1.0.conv1/bias', [4096]],
      ['encoder.pos_embedding', [1, 197, 768]],
      ['encoder.pos_embedding/pos_embedding', [1, 197, 768]],
      ['class_token', [1, 1, 768]],
      ['layers.0.blocks.0.attn.relative_position_bias_table', [169, 3]],
      ['layer1.0.eca.conv/kernel', [3, 1, 1]],
      ['norm.weight', [768]],
    ];
    expect(no.filter(([n, s]) => quantizes(n, s))).toEqual([]);
  });
});

describe('quantizeArtifacts', () => {
  const specs: tf.io.WeightsManifestEntry[] = [
    { name: 'fc/kernel', shape: [40, 30], dtype: 'float32' },
    { name: 'fc/bias', shape: [30], dtype: 'float32' },
    { name: 'big/kernel', shape: [40, 30], dtype: 'float32' },
  ];
  const values = [kernelLike(1200, 1), kernelLike(30, 2), kernelLike(1200, 4)];
  values[2][5] = 1e6; // beyond float16
  const weightData = new Uint8Array(values.reduce((a, v) => a + v.byteLength, 0));
  let at = 0;
  for (const v of values) {
    weightData.set(new Uint8Array(v.buffer), at);
    at += v.byteLength;
  }
  const artifacts = (): tf.io.ModelArtifacts => ({ modelTopology: {}, weightSpecs: specs, weightData: weightData.slice().buffer });

  it('writes the manifest entries TF.js reads, reports what it did, and seals the data with its SHA-256', async () => {
    const { artifacts: out, report } = await quantizeArtifacts(artifacts(), 'float16');
    expect(report).toEqual({
      dtype: 'float16',
      quantized: ['fc/kernel'],
      kept: ['fc/bias'],
      unrepresentable: ['big/kernel'],
      bytesBefore: weightData.byteLength,
      bytesAfter: 1200 * 2 + 30 * 4 + 1200 * 4,
    });
    expect(out.weightSpecs!.map((s) => s.quantization ?? null)).toEqual([{ dtype: 'float16' }, null, null]);
    const decoded = tf.io.decodeWeights(out.weightData as ArrayBuffer, out.weightSpecs!);
    expect(decoded['fc/kernel']!.dataSync()).toEqual(dequantizeValues(quantizeValues(values[0], 'float16')!));
    expect(decoded['fc/bias']!.dataSync()).toEqual(values[1]);
    expect(decoded['big/kernel']!.dataSync()).toEqual(values[2]);
    tf.dispose(Object.values(decoded));
    const meta = (out.userDefinedMetadata as { zoo: { weightsSha256: string; quantization: string } }).zoo;
    const { createHash } = await import('node:crypto');
    expect(meta).toEqual({
      quantization: 'float16',
      weightsSha256: createHash('sha256')
        .update(new Uint8Array(out.weightData as ArrayBuffer))
        .digest('hex'),
    });
    const u8 = await quantizeArtifacts(artifacts(), 'uint8');
    expect(u8.report.quantized).toEqual(['fc/kernel', 'big/kernel']);
    expect(u8.artifacts.weightSpecs![2].quantization).toMatchObject({ dtype: 'uint8', scale: expect.any(Number), min: expect.any(Number) });
  });

  it('refuses an unknown dtype and weights already quantized', async () => {
    await expect(quantizeArtifacts(artifacts(), 'int4' as QuantizeDtype)).rejects.toThrow(ZooOptionError);
    const once = await quantizeArtifacts(artifacts(), 'uint8');
    await expect(quantizeArtifacts(once.artifacts, 'uint8')).rejects.toThrow(ZooQuantizeError);
  });
});

describe('quantizeCheckpoint', () => {
  const source = readSafetensors(
    writeSafetensors({
      'fc.weight': { dtype: 'F32', shape: [30, 40], data: kernelLike(1200, 5) },
      'fc.bias': { dtype: 'F32', shape: [30], data: kernelLike(30, 6) },
      'bn.num_batches_tracked': { dtype: 'I64', shape: [], data: new Uint8Array(8) },
    }),
  );

  it.each(QUANTIZE_DTYPES)('%s: a safetensors copy that reads back to the quantizer values; integer buffers left out', (dtype) => {
    const { bytes, report } = quantizeCheckpoint(source, dtype, { 'zoo.source': 'test' });
    const copy = readSafetensors(bytes);
    expect(copy.keys().sort()).toEqual(['fc.bias', 'fc.weight']);
    expect(copy.info('fc.weight')!.dtype).toBe({ float16: 'F16', uint8: 'U8', uint16: 'U16' }[dtype]);
    expect(copy.float32('fc.weight')).toEqual(dequantizeValues(quantizeValues(source.float32('fc.weight'), dtype)!));
    expect(copy.float32('fc.bias')).toEqual(source.float32('fc.bias'));
    expect(copy.metadata['zoo.quantization.dtype']).toBe(dtype);
    expect(report.quantized).toEqual(['fc.weight']);
    expect(report.bytesAfter).toBe(1200 * (dtype === 'uint8' ? 1 : 2) + 30 * 4);
  });

  it('a copy whose scales are missing, malformed or for the wrong tensor is a header error', () => {
    const { bytes } = quantizeCheckpoint(source, 'uint8');
    const header = (b: Uint8Array) =>
      JSON.parse(Buffer.from(b.subarray(8, 8 + Number(new DataView(b.buffer).getBigUint64(0, true)))).toString());
    const withMeta = (table: string) => {
      const h = header(bytes);
      const data = bytes.subarray(8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)));
      const tensors: Record<string, { dtype: 'U8' | 'F32'; shape: number[]; data: Uint8Array }> = {};
      for (const [k, e] of Object.entries(h)) {
        if (k === '__metadata__') continue;
        const {
          dtype,
          shape,
          data_offsets: [a, b],
        } = e as { dtype: 'U8' | 'F32'; shape: number[]; data_offsets: [number, number] };
        tensors[k] = { dtype, shape, data: data.slice(a, b) };
      }
      return writeSafetensors(tensors, { 'zoo.quantization': table });
    };
    expect(() => readSafetensors(withMeta('{"fc.weight": {"scale": -1, "min": 0}}'))).toThrow(/finite scale >= 0/);
    expect(() => readSafetensors(withMeta('{"fc.bias": {"scale": 1, "min": 0}}'))).toThrow(/is F32, not U8 or U16/);
    expect(() => readSafetensors(withMeta('{"nope": {"scale": 1, "min": 0}}'))).toThrow(/not in the file/);
    expect(() => readSafetensors(withMeta('not json'))).toThrow(ZooSafetensorsHeaderError);
    // Without its scale, a U8 tensor is not a weight.
    expect(() => readSafetensors(withMeta('{}')).float32('fc.weight')).toThrow(/is U8; only/);
  });
});
