import { describe, expect, it } from '@jest/globals';
import { floatToBfloat16, floatToHalf, halfToFloatTable } from '../src/checkpoint/dtypes.js';
import { readSafetensors, writeSafetensors, ZooSafetensorsDtypeError } from '../src/family.js';
import { forge } from './checkpoint-helpers.js';

describe('safetensors', () => {
  it('round-trips F32 exactly, with metadata, and aligns the data to 8 bytes', () => {
    const a = new Float32Array([1.5, -2.25, 3e-39, Number.POSITIVE_INFINITY, 0, -0, 7, 8]);
    const bytes = writeSafetensors(
      { a: { dtype: 'F32', shape: [2, 4], data: a }, empty: { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) } },
      { format: 'pt' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const f = readSafetensors(bytes);
    expect(f.metadata).toEqual({ format: 'pt' });
    expect(f.info('a')).toMatchObject({ dtype: 'F32', shape: [2, 4] });
    expect(Object.is(f.float32('a')[5], -0)).toBe(true);
    expect([...f.float32('a')]).toEqual([...a]);
    expect(f.float32('empty').length).toBe(0);
  });

  it('reads F32 data at an unaligned offset (a Buffer slice, an odd header length)', () => {
    const a = new Float32Array([0.1, 0.2, 0.3]);
    const raw = new Uint8Array(a.buffer);
    const file = forge({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] } }, raw);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect([...readSafetensors(shifted.subarray(1)).float32('a')]).toEqual([...a]);
  });

  it('converts F16 exactly: normals, subnormals, signed zero, infinities, NaN', () => {
    const bits = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x8000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x3555];
    const raw = new Uint8Array(new Uint16Array(bits).buffer);
    const v = readSafetensors(forge({ h: { dtype: 'F16', shape: [10], data_offsets: [0, 20] } }, raw)).float32('h');
    expect([...v.slice(0, 8)]).toEqual([1, -2, 2 ** -24, 1023 * 2 ** -24, -0, 65504, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(Number.isNaN(v[8])).toBe(true);
    expect(v[9]).toBe(0.333251953125);
  });

  it('writes F16 rounding to nearest even, and every half reads back as itself', () => {
    const table = halfToFloatTable();
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const nan = ((h >> 10) & 0x1f) === 31 && h & 0x3ff;
      if (!nan && floatToHalf(table[h]) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // halfway, rounds to even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(70000)).toBe(0x7c00);
  });

  it('converts BF16 and F64', () => {
    const bf = new Uint8Array(new Uint16Array([floatToBfloat16(1.5), floatToBfloat16(-3.140625)]).buffer);
    expect([...readSafetensors(forge({ b: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, bf)).float32('b')]).toEqual([
      1.5, -3.140625,
    ]);
    const bytes = writeSafetensors({ d: { dtype: 'F64', shape: [2], data: new Float32Array([0.5, -4]) } });
    expect([...readSafetensors(bytes).float32('d')]).toEqual([0.5, -4]);
    expect(floatToBfloat16(1 + 2 ** -8)).toBe(0x3f80); // halfway, rounds to even
  });

  it('refuses to read an integer tensor as float32, naming it', () => {
    const f = readSafetensors(forge({ n: { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, new Uint8Array(8)));
    expect(f.info('n')).toMatchObject({ dtype: 'I64', shape: [] });
    expect(() => f.float32('n')).toThrow(ZooSafetensorsDtypeError);
    expect(() => f.float32('n')).toThrow(/`n` is I64/);
  });
});
