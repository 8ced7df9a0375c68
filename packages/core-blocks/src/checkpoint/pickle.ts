import { DTYPE_BYTES, type SafetensorsDtype, toFloat32 } from './dtypes.js';
import { ZooPickleError, ZooPickleGlobalError, ZooPickleLimitError, ZooPthError } from './errors.js';

/**
 * A restricted unpickler for what `torch.save` writes (pickle protocols 2 to 5), and the torch
 * objects a state dict pickles: tensors and their storages. It is a data reader, not Python's
 * unpickler: a global is only ever a name, checked against a short list when the pickle names
 * it, and applying one (REDUCE, NEWOBJ, BUILD) builds a plain JS value. Nothing in the file is
 * ever run. The work is a single pass without recursion, so a hostile pickle costs time and
 * memory in proportion to its length, and the bounds below cap even that.
 */

/**
 * A Python value as this reader builds it: `None` is `null`, ints and floats are numbers (an int
 * outside the safe range is a bigint), `bytes` and `bytearray` are `Uint8Array`, lists are arrays
 * and tuples frozen arrays, dicts and `OrderedDict`s are `Map`s, sets are `Set`s.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | PickleGlobal
  | TorchStorage
  | TorchTensor;

/** Bounds on one pickle. Each is checked as the pickle is read; going past one throws a `ZooPickleLimitError`. */
export interface PickleLimits {
  /** Deepest nesting of lists, tuples, dicts and sets (default 1,000; a state dict nests 4 deep). */
  maxDepth?: number;
  /** Most memo entries (default 1,000,000; a state dict stores about 10 per tensor). */
  maxMemo?: number;
  /** Most opcodes (default 10,000,000; a state dict uses about 30 per tensor). */
  maxOps?: number;
}

export interface UnpickleOptions extends PickleLimits {
  /** Resolves a persistent id (BINPERSID); without it, a pickle that has one is refused. */
  persistentLoad?: (pid: PickleValue) => PickleValue;
}

/** A Python global the reader allows, kept as its name: a class or function that is never called. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  toString(): string {
    return `${this.module}.${this.name}`;
  }
}

/** `torch.<X>Storage` classes and the safetensors dtype of their elements. */
const STORAGE_DTYPES: Readonly<Record<string, SafetensorsDtype>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
  // What torch 2 names the storage of a bare byte buffer; its elements are bytes.
  UntypedStorage: 'U8',
};

/** Torch storages that are safe to name but hold elements with no safetensors dtype here. */
const UNSUPPORTED_STORAGES: Readonly<Record<string, string>> = {
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
  QInt8Storage: 'qint8',
  QUInt8Storage: 'quint8',
  QInt32Storage: 'qint32',
  QUInt4x2Storage: 'quint4x2',
  QUInt2x4Storage: 'quint2x4',
};

/** `torch.<dtype>` objects: a checkpoint's metadata may name them (`{'dtype': torch.float16}`). */
const TORCH_DTYPES = [
  'float32',
  'float',
  'float64',
  'double',
  'float16',
  'half',
  'bfloat16',
  'int64',
  'long',
  'int32',
  'int',
  'int16',
  'short',
  'int8',
  'uint8',
  'bool',
  'complex64',
  'complex128',
  'cfloat',
  'cdouble',
];

const REBUILD_TENSOR = 'torch._utils._rebuild_tensor';
const REBUILD_TENSOR_V2 = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const REBUILD_PARAMETER_WITH_STATE = 'torch._utils._rebuild_parameter_with_state';
const ORDERED_DICT = 'collections.OrderedDict';
const TORCH_SIZE = 'torch.Size';

/** Every global a state dict (and the usual wrapper around one) needs; any other is refused. */
const ALLOWED_GLOBALS: ReadonlySet<string> = new Set([
  ORDERED_DICT,
  REBUILD_TENSOR,
  REBUILD_TENSOR_V2,
  REBUILD_PARAMETER,
  REBUILD_PARAMETER_WITH_STATE,
  TORCH_SIZE,
  ...Object.keys(STORAGE_DTYPES).map((n) => `torch.${n}`),
  ...Object.keys(UNSUPPORTED_STORAGES).map((n) => `torch.${n}`),
  ...TORCH_DTYPES.map((n) => `torch.${n}`),
]);

/** The dtype of a `torch.<X>Storage` named in a persistent id; a typed error for anything else. */
export function storageDtype(type: PickleValue): SafetensorsDtype {
  if (type instanceof PickleGlobal && type.module === 'torch') {
    if (Object.hasOwn(STORAGE_DTYPES, type.name)) return STORAGE_DTYPES[type.name]!;
    if (Object.hasOwn(UNSUPPORTED_STORAGES, type.name)) {
      throw new ZooPthError(
        `The checkpoint holds a ${UNSUPPORTED_STORAGES[type.name]} tensor (\`torch.${type.name}\`); only real and integer ` +
          'dtypes are read (float32/64/16, bfloat16, int64/32/16/8, uint8, bool). Dequantize or drop it in Python and save again.',
      );
    }
  }
  throw new ZooPthError(`A storage's type is ${kindOf(type)}, not a torch storage class such as \`torch.FloatStorage\`.`);
}

/**
 * One storage of the file: a flat buffer of `numel` elements of `dtype`. The container fills
 * `data` (little-endian bytes, exactly `numel` elements): the zip format when the pickle names
 * the storage, the legacy format after the pickle, where the bytes follow it.
 */
export class TorchStorage {
  data: Uint8Array | undefined;
  constructor(
    readonly key: string,
    readonly dtype: SafetensorsDtype,
    readonly numel: number,
    readonly location: string,
  ) {}
}

/**
 * A tensor as `torch.save` pickles it: a view (`offset`, `shape`, `stride`, in elements) of a
 * storage that several tensors may share. The view is checked against the storage when it is
 * built, so reading it cannot leave the storage.
 */
export class TorchTensor {
  private constructor(
    readonly storage: TorchStorage,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
    /** The number of elements. */
    readonly size: number,
  ) {}

  /** Checks a view against its storage, as `_rebuild_tensor_v2` gives it. */
  static view(storage: PickleValue, offset: PickleValue, shape: PickleValue, stride: PickleValue): TorchTensor {
    if (!(storage instanceof TorchStorage)) {
      throw new ZooPthError(`A tensor's storage is ${kindOf(storage)}, not a storage named by a persistent id.`);
    }
    const where = `A tensor of storage \`${storage.key}\``;
    const off = index(offset, `${where}: its storage offset`);
    const dims = indexTuple(shape, `${where}: its shape`);
    const steps = indexTuple(stride, `${where}: its stride`);
    if (dims.length !== steps.length) {
      throw new ZooPthError(`${where}: shape [${dims}] and stride [${steps}] have different lengths.`);
    }
    let size = 1;
    let last = off;
    for (let i = 0; i < dims.length; i++) {
      size *= dims[i]!;
      if (dims[i]! > 0) last += (dims[i]! - 1) * steps[i]!;
      // Past 2^53 the sums are inexact; such a tensor cannot fit a file that fits in memory anyway.
      if (!Number.isSafeInteger(size) || !Number.isSafeInteger(last)) {
        throw new ZooPthError(`${where}: shape [${dims}] with stride [${steps}] reaches past 2^53 elements.`);
      }
    }
    if (size > 0 && last >= storage.numel) {
      throw new ZooPthError(
        `${where}: shape [${dims}], stride [${steps}] and offset ${off} reach element ${last}, past the storage's ${storage.numel}.`,
      );
    }
    // A view may repeat elements (what `expand` makes): its copy would be larger than the file.
    if (size > storage.numel) {
      throw new ZooPthError(
        `${where}: its ${size} elements outnumber its storage's ${storage.numel} (a view that repeats elements, as \`expand\` ` +
          'makes); save `.contiguous()` of it instead.',
      );
    }
    return new TorchTensor(storage, off, dims, steps, size);
  }

  get dtype(): SafetensorsDtype {
    return this.storage.dtype;
  }

  /** Whether the elements lie in row-major order, one after another (dimensions of size 1 have any stride). */
  get contiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] === 0) return true;
      if (this.shape[i] !== 1 && this.stride[i] !== expected) return false;
      expected *= this.shape[i]!;
    }
    return true;
  }

  /**
   * The elements as little-endian bytes in row-major order: a view of the file's bytes when the
   * tensor is contiguous (copy it before writing to it), else a gathered copy.
   */
  bytes(): Uint8Array {
    const data = this.storage.data;
    if (!data) {
      throw new ZooPthError(`The bytes of storage \`${this.storage.key}\` were never read: the file does not hold them.`);
    }
    const el = DTYPE_BYTES[this.dtype];
    if (this.contiguous) return data.subarray(this.offset * el, (this.offset + this.size) * el);
    return gather(data, el, this.offset, this.shape, this.stride, this.size);
  }

  /** The values in float32, row-major (a fresh copy); F32, F64, F16 and BF16 tensors only. */
  float32(): Float32Array {
    if (!['F32', 'F64', 'F16', 'BF16'].includes(this.dtype)) {
      throw new ZooPthError(
        `This tensor is ${this.dtype} (\`torch.${storageName(this.dtype)}\`); only F32, F64, F16 and BF16 convert to float32.`,
      );
    }
    return toFloat32(this.bytes(), this.dtype);
  }
}

function storageName(dtype: SafetensorsDtype): string {
  return Object.keys(STORAGE_DTYPES).find((k) => STORAGE_DTYPES[k] === dtype) ?? dtype;
}

/** Copies a strided view into row-major order, the last dimension innermost. */
function gather(
  data: Uint8Array,
  el: number,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  size: number,
): Uint8Array {
  const out = new Uint8Array(size * el);
  const rank = shape.length;
  const at = new Array<number>(rank).fill(0);
  const innerSize = shape[rank - 1]!;
  const innerStride = stride[rank - 1]! * el;
  let src = offset * el;
  let dst = 0;
  for (let done = 0; done < size; done += innerSize) {
    let s = src;
    for (let i = 0; i < innerSize; i++, s += innerStride) for (let b = 0; b < el; b++) out[dst++] = data[s + b]!;
    // Advance the index over the outer dimensions like an odometer.
    for (let d = rank - 2; d >= 0; d--) {
      at[d]!++;
      src += stride[d]! * el;
      if (at[d]! < shape[d]!) break;
      src -= at[d]! * stride[d]! * el;
      at[d] = 0;
    }
  }
  return out;
}

function index(v: PickleValue, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new ZooPthError(`${what} is ${kindOf(v)}, not a non-negative integer.`);
  return v;
}

function indexTuple(v: PickleValue, what: string): number[] {
  if (!Array.isArray(v)) throw new ZooPthError(`${what} is ${kindOf(v)}, not a tuple of integers.`);
  return v.map((d, i) => index(d, `${what}[${i}]`));
}

/** A short name of a value's Python type, for error messages (never the value: it may be huge or cyclic). */
export function kindOf(v: PickleValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return `a bool (${v ? 'True' : 'False'})`;
  if (typeof v === 'number' || typeof v === 'bigint') return `a number (${v})`;
  if (typeof v === 'string') return `a str (${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)})`;
  if (v instanceof Uint8Array) return `bytes (${v.length})`;
  if (Array.isArray(v)) return `a ${Object.isFrozen(v) ? 'tuple' : 'list'} of ${v.length}`;
  if (v instanceof Map) return `a dict of ${v.size}`;
  if (v instanceof Set) return `a set of ${v.size}`;
  if (v instanceof TorchTensor) return `a ${v.dtype} tensor [${v.shape}]`;
  if (v instanceof TorchStorage) return 'a storage';
  return `\`${v}\``;
}

const MAX_LONG_BYTES = 256;
const MAX_LINE = 1024;
const DEFAULTS = { maxDepth: 1_000, maxMemo: 1_000_000, maxOps: 10_000_000 };
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Opcode names, for messages. */
const OPCODES: Readonly<Record<number, string>> = {
  40: 'MARK',
  46: 'STOP',
  48: 'POP',
  49: 'POP_MARK',
  50: 'DUP',
  70: 'FLOAT',
  73: 'INT',
  74: 'BININT',
  75: 'BININT1',
  76: 'LONG',
  77: 'BININT2',
  78: 'NONE',
  80: 'PERSID',
  81: 'BINPERSID',
  82: 'REDUCE',
  83: 'STRING',
  84: 'BINSTRING',
  85: 'SHORT_BINSTRING',
  86: 'UNICODE',
  88: 'BINUNICODE',
  97: 'APPEND',
  98: 'BUILD',
  99: 'GLOBAL',
  100: 'DICT',
  125: 'EMPTY_DICT',
  101: 'APPENDS',
  103: 'GET',
  104: 'BINGET',
  105: 'INST',
  106: 'LONG_BINGET',
  108: 'LIST',
  93: 'EMPTY_LIST',
  111: 'OBJ',
  112: 'PUT',
  113: 'BINPUT',
  114: 'LONG_BINPUT',
  115: 'SETITEM',
  116: 'TUPLE',
  41: 'EMPTY_TUPLE',
  117: 'SETITEMS',
  71: 'BINFLOAT',
  128: 'PROTO',
  129: 'NEWOBJ',
  130: 'EXT1',
  131: 'EXT2',
  132: 'EXT4',
  133: 'TUPLE1',
  134: 'TUPLE2',
  135: 'TUPLE3',
  136: 'NEWTRUE',
  137: 'NEWFALSE',
  138: 'LONG1',
  139: 'LONG4',
  66: 'BINBYTES',
  67: 'SHORT_BINBYTES',
  140: 'SHORT_BINUNICODE',
  141: 'BINUNICODE8',
  142: 'BINBYTES8',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
  146: 'NEWOBJ_EX',
  147: 'STACK_GLOBAL',
  148: 'MEMOIZE',
  149: 'FRAME',
  150: 'BYTEARRAY8',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
};

/**
 * Reads one pickle starting at `start`; returns its value and the offset just past its STOP
 * (the legacy `torch.save` format is several pickles in a row). Throws a `ZooPickleError`,
 * `ZooPickleLimitError` or `ZooPickleGlobalError`, or what `persistentLoad` throws.
 */
export function unpickle(bytes: Uint8Array, start = 0, options: UnpickleOptions = {}): { value: PickleValue; end: number } {
  return new Unpickler(bytes, start, options).run();
}

/** Reads a pickle that is a whole file or buffer (see `unpickle`). */
export function readPickle(input: Uint8Array | ArrayBuffer, options?: UnpickleOptions): PickleValue {
  return unpickle(input instanceof Uint8Array ? input : new Uint8Array(input), 0, options).value;
}

class Unpickler {
  private pos: number;
  private readonly view: DataView;
  private readonly stack: PickleValue[] = [];
  /** Where each open MARK began, as stack lengths (Python keeps whole stacks; the indices say the same). */
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PickleValue>();
  /** Nesting depth of each container built so far; absent means 1 for containers, 0 for the rest. */
  private readonly depths = new WeakMap<object, number>();
  private readonly maxDepth: number;
  private readonly maxMemo: number;
  private readonly maxOps: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly options: UnpickleOptions,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.maxDepth = options.maxDepth ?? DEFAULTS.maxDepth;
    this.maxMemo = options.maxMemo ?? DEFAULTS.maxMemo;
    this.maxOps = options.maxOps ?? DEFAULTS.maxOps;
  }

  run(): { value: PickleValue; end: number } {
    const { bytes } = this;
    let ops = 0;
    while (this.pos < bytes.length) {
      const at = this.pos;
      const op = bytes[this.pos++]!;
      if (++ops > this.maxOps) {
        throw new ZooPickleLimitError(
          'maxOps',
          `The pickle runs past ${this.maxOps} operations (at byte ${at}); raise \`maxOps\` if the file is trusted and this large.`,
        );
      }
      switch (op) {
        case 0x80: {
          // PROTO
          const protocol = this.u8();
          if (protocol > 5) throw new ZooPickleError(`The pickle is protocol ${protocol}; this reader knows protocols up to 5.`);
          break;
        }
        case 0x95: // FRAME: a length prefix for buffered reading; the opcodes inside are read as usual.
          this.length(this.u64(), 'A FRAME');
          break;
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          break;
        case 0x2e: // STOP
          return { value: this.finish(at), end: this.pos };
        case 0x30: // POP: Python drops the mark when the top is one.
          if (this.stack.length > this.markBase()) this.stack.pop();
          else this.popMark('POP');
          break;
        case 0x31: // POP_MARK
          this.popMark('POP_MARK');
          break;
        case 0x32: // DUP
          this.push(this.top('DUP'));
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x4a: // BININT
          this.need(4);
          this.push(this.view.getInt32(this.pos, true));
          this.pos += 4;
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.u16());
          break;
        case 0x8a: // LONG1
          this.push(this.long(this.u8()));
          break;
        case 0x8b: {
          // LONG4
          this.need(4);
          const n = this.view.getInt32(this.pos, true);
          this.pos += 4;
          if (n < 0) throw new ZooPickleError(`LONG4 at byte ${at} has a negative length (${n}).`);
          this.push(this.long(n));
          break;
        }
        case 0x49: // INT (text): "01" and "00" are True and False in protocol 0.
        case 0x4c: {
          // LONG (text)
          const line = this.line();
          if (op === 0x49 && (line === '00' || line === '01')) this.push(line === '01');
          else this.push(this.decimal(op === 0x4c ? line.replace(/L$/, '') : line, at));
          break;
        }
        case 0x46: {
          // FLOAT (text)
          const line = this.line();
          const v = Number(line);
          if (line.trim() === '' || (Number.isNaN(v) && !/^[-+]?nan$/i.test(line)))
            throw new ZooPickleError(`FLOAT at byte ${at} holds ${JSON.stringify(line.slice(0, 40))}, not a number.`);
          this.push(v);
          break;
        }
        case 0x47: // BINFLOAT (big-endian, unlike every other number of the format)
          this.need(8);
          this.push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.text(this.u8(), at));
          break;
        case 0x58: // BINUNICODE
          this.push(this.text(this.u32(), at));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.text(this.u64(), at));
          break;
        case 0x55: // SHORT_BINSTRING: a Python 2 str; torch.load decodes it as UTF-8, and so does this.
          this.push(this.text(this.u8(), at));
          break;
        case 0x54: {
          // BINSTRING
          this.need(4);
          const n = this.view.getInt32(this.pos, true);
          this.pos += 4;
          if (n < 0) throw new ZooPickleError(`BINSTRING at byte ${at} has a negative length (${n}).`);
          this.push(this.text(n, at));
          break;
        }
        case 0x56: // UNICODE (text): raw-unicode-escape, which is Latin-1 plus escapes.
          this.push(rawUnicodeEscape(String.fromCharCode(...this.lineBytes())));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push(this.raw(this.u8(), 'SHORT_BINBYTES').slice());
          break;
        case 0x42: // BINBYTES
          this.push(this.raw(this.u32(), 'BINBYTES').slice());
          break;
        case 0x8e: // BINBYTES8
          this.push(this.raw(this.u64(), 'BINBYTES8').slice());
          break;
        case 0x96: // BYTEARRAY8
          this.push(this.raw(this.u64(), 'BYTEARRAY8').slice());
          break;
        case 0x29: // EMPTY_TUPLE
          this.push(this.tuple([]));
          break;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: {
          // TUPLE3
          const n = op - 0x84;
          if (this.stack.length - this.markBase() < n) this.underflow(OPCODES[op]!, at);
          this.push(this.tuple(this.stack.splice(this.stack.length - n, n)));
          break;
        }
        case 0x74: // TUPLE
          this.push(this.tuple(this.popMark('TUPLE')));
          break;
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x6c: // LIST
          this.push(this.container([], this.popMark('LIST')));
          break;
        case 0x61: {
          // APPEND
          const item = this.pop('APPEND', at);
          this.append(this.top('APPEND'), [item], at);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark('APPENDS');
          this.append(this.top('APPENDS'), items, at);
          break;
        }
        case 0x7d: // EMPTY_DICT
          this.push(new Map());
          break;
        case 0x64: // DICT
          this.push(this.setItems(new Map(), this.popMark('DICT'), at));
          break;
        case 0x73: {
          // SETITEM
          const value = this.pop('SETITEM', at);
          const key = this.pop('SETITEM', at);
          this.setItems(this.top('SETITEM'), [key, value], at);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark('SETITEMS');
          this.setItems(this.top('SETITEMS'), items, at);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.push(new Set());
          break;
        case 0x90: {
          // ADDITEMS
          const items = this.popMark('ADDITEMS');
          const set = this.top('ADDITEMS');
          if (!(set instanceof Set)) throw new ZooPickleError(`ADDITEMS at byte ${at} adds to ${kindOf(set)}, not a set.`);
          this.container(set, items);
          break;
        }
        case 0x91: // FROZENSET
          this.push(this.container(new Set(), this.popMark('FROZENSET')));
          break;
        case 0x71: // BINPUT
          this.put(this.u8());
          break;
        case 0x72: // LONG_BINPUT
          this.put(this.u32());
          break;
        case 0x70: // PUT (text)
          this.put(this.memoIndex(this.line(), at));
          break;
        case 0x94: // MEMOIZE
          this.put(this.memo.size);
          break;
        case 0x68: // BINGET
          this.get(this.u8(), at);
          break;
        case 0x6a: // LONG_BINGET
          this.get(this.u32(), at);
          break;
        case 0x67: // GET (text)
          this.get(this.memoIndex(this.line(), at), at);
          break;
        case 0x63: {
          // GLOBAL
          const module = this.line();
          this.push(global(module, this.line()));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop('STACK_GLOBAL', at);
          const module = this.pop('STACK_GLOBAL', at);
          if (typeof module !== 'string' || typeof name !== 'string') {
            throw new ZooPickleError(`STACK_GLOBAL at byte ${at} names ${kindOf(module)} and ${kindOf(name)}, not two strings.`);
          }
          this.push(global(module, name));
          break;
        }
        case 0x69: {
          // INST: protocol 0's instance creation; torch.save never writes it, but its global is still checked first.
          const module = this.line();
          global(module, this.line());
          throw new ZooPickleError(`INST at byte ${at}: protocol 0 instance creation is not something torch.save writes.`);
        }
        case 0x52: {
          // REDUCE
          const args = this.pop('REDUCE', at);
          const callable = this.pop('REDUCE', at);
          this.push(this.reduce(callable, args, at));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop('NEWOBJ', at);
          this.push(this.newObject(this.pop('NEWOBJ', at), args, null, at));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = this.pop('NEWOBJ_EX', at);
          const args = this.pop('NEWOBJ_EX', at);
          this.push(this.newObject(this.pop('NEWOBJ_EX', at), args, kwargs, at));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop('BUILD', at);
          this.build(this.top('BUILD'), state, at);
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = this.pop('BINPERSID', at);
          this.push(this.persistent(pid, at));
          break;
        }
        case 0x50: // PERSID (text)
          this.push(this.persistent(this.line(), at));
          break;
        case 0x82: // EXT1, EXT2, EXT4: globals by number from copyreg's registry, which a file cannot be trusted to match.
        case 0x83:
        case 0x84: {
          const n = op === 0x82 ? this.u8() : op === 0x83 ? this.u16() : this.u32();
          throw new ZooPickleGlobalError(`copyreg extension code ${n}`);
        }
        default:
          throw new ZooPickleError(
            OPCODES[op]
              ? `Opcode ${OPCODES[op]} at byte ${at} is not something torch.save writes; this reader does not support it.`
              : `Unknown opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}: this is not a pickle, or it is corrupt.`,
          );
      }
    }
    throw new ZooPickleError(
      `The pickle that starts at byte ${this.start} ends without STOP after ${bytes.length - this.start} byte(s): the file is truncated.`,
    );
  }

  private finish(at: number): PickleValue {
    if (this.marks.length || this.stack.length !== 1) {
      throw new ZooPickleError(
        `STOP at byte ${at} leaves ${this.stack.length} value(s) and ${this.marks.length} open MARK(s); a pickle ends with exactly one value.`,
      );
    }
    return this.stack[0]!;
  }

  // --- reading bytes -------------------------------------------------------------------

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new ZooPickleError(
        `The pickle needs ${n} byte(s) at byte ${this.pos} but the file has ${this.bytes.length - this.pos} left: it is truncated.`,
      );
    }
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An 8-byte length; one past 2^53 cannot be real, and `length` refuses it against the bytes left. */
  private u64(): number {
    this.need(8);
    const low = this.view.getUint32(this.pos, true);
    const high = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return high >= 0x200000 ? Number.POSITIVE_INFINITY : high * 2 ** 32 + low;
  }

  /** A length read from the file, checked against the bytes left before anything is allocated for it. */
  private length(n: number, what: string): number {
    if (n > this.bytes.length - this.pos) {
      throw new ZooPickleError(
        `${what} at byte ${this.pos} claims ${n} bytes but the file has ${this.bytes.length - this.pos} left: it is truncated or corrupt.`,
      );
    }
    return n;
  }

  private raw(n: number, what: string): Uint8Array {
    this.length(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private text(n: number, at: number): string {
    const raw = this.raw(n, OPCODES[this.bytes[at]!]!);
    try {
      return utf8.decode(raw);
    } catch {
      throw new ZooPickleError(`The string at byte ${at} is not valid UTF-8.`);
    }
  }

  /** A newline-terminated line (text opcodes and GLOBAL's names), searched for only so far: no line is long. */
  private lineBytes(): Uint8Array {
    const end = this.bytes.subarray(this.pos, this.pos + MAX_LINE + 1).indexOf(0x0a);
    if (end < 0)
      throw new ZooPickleError(`The pickle expects a line ending in a newline at byte ${this.pos}, of at most ${MAX_LINE} bytes.`);
    const raw = this.bytes.subarray(this.pos, this.pos + end);
    this.pos += end + 1;
    return raw;
  }

  private line(): string {
    const at = this.pos;
    const raw = this.lineBytes();
    try {
      return utf8.decode(raw);
    } catch {
      throw new ZooPickleError(`The line at byte ${at} is not valid UTF-8.`);
    }
  }

  /** A two's-complement little-endian integer of `n` bytes (LONG1, LONG4). */
  private long(n: number): number | bigint {
    if (n > MAX_LONG_BYTES) {
      throw new ZooPickleLimitError(
        'long',
        `An integer of ${n} bytes at byte ${this.pos}: more than the ${MAX_LONG_BYTES} this reader takes.`,
      );
    }
    const raw = this.raw(n, 'LONG');
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]!);
    if (n > 0 && raw[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return small(v);
  }

  private decimal(line: string, at: number): number | bigint {
    if (!/^[-+]?[0-9]+$/.test(line))
      throw new ZooPickleError(`INT/LONG at byte ${at} holds ${JSON.stringify(line.slice(0, 40))}, not an integer.`);
    return small(BigInt(line));
  }

  private memoIndex(line: string, at: number): number {
    const n = Number(line);
    if (!/^[0-9]+$/.test(line) || !Number.isSafeInteger(n))
      throw new ZooPickleError(`GET/PUT at byte ${at} names memo ${JSON.stringify(line.slice(0, 40))}.`);
    return n;
  }

  // --- the stack -----------------------------------------------------------------------

  private push(v: PickleValue): void {
    this.stack.push(v);
  }

  private markBase(): number {
    return this.marks.length ? this.marks[this.marks.length - 1]! : 0;
  }

  private underflow(what: string, at: number): never {
    throw new ZooPickleError(`${what} at byte ${at} needs more values than the stack holds (above its MARK): the pickle is corrupt.`);
  }

  private pop(what: string, at: number): PickleValue {
    if (this.stack.length <= this.markBase()) this.underflow(what, at);
    return this.stack.pop()!;
  }

  private top(what: string): PickleValue {
    if (this.stack.length <= this.markBase()) this.underflow(what, this.pos - 1);
    return this.stack[this.stack.length - 1]!;
  }

  private popMark(what: string): PickleValue[] {
    const base = this.marks.pop();
    if (base === undefined) throw new ZooPickleError(`${what} at byte ${this.pos - 1} has no MARK to close: the pickle is corrupt.`);
    return this.stack.splice(base);
  }

  private put(i: number): void {
    if (!this.memo.has(i) && this.memo.size >= this.maxMemo) {
      throw new ZooPickleLimitError(
        'maxMemo',
        `The pickle stores more than ${this.maxMemo} memo entries; raise \`maxMemo\` if the file is trusted and this large.`,
      );
    }
    this.memo.set(i, this.top('PUT'));
  }

  private get(i: number, at: number): void {
    if (!this.memo.has(i)) throw new ZooPickleError(`GET at byte ${at} reads memo ${i}, which was never stored: the pickle is corrupt.`);
    this.push(this.memo.get(i)!);
  }

  // --- containers ----------------------------------------------------------------------

  private depthOf(v: PickleValue): number {
    if (Array.isArray(v) || v instanceof Map || v instanceof Set) return this.depths.get(v) ?? 1;
    return 0;
  }

  /** Records that `container` now holds `item`: it is at least one deeper than the item. */
  private deepen(container: object, item: PickleValue): void {
    const d = this.depthOf(item) + 1;
    if (d > (this.depths.get(container) ?? 1)) {
      if (d > this.maxDepth) {
        throw new ZooPickleLimitError('maxDepth', `The pickle nests containers deeper than ${this.maxDepth}; no state dict does.`);
      }
      this.depths.set(container, d);
    }
  }

  private tuple(items: PickleValue[]): PickleValue[] {
    for (const item of items) this.deepen(items, item);
    return Object.freeze(items) as PickleValue[];
  }

  private container<T extends PickleValue[] | Set<PickleValue>>(into: T, items: PickleValue[]): T {
    for (const item of items) {
      if (Array.isArray(into)) into.push(item);
      else (into as Set<PickleValue>).add(item);
      this.deepen(into, item);
    }
    return into;
  }

  private append(list: PickleValue, items: PickleValue[], at: number): void {
    if (!Array.isArray(list) || Object.isFrozen(list))
      throw new ZooPickleError(`APPEND at byte ${at} appends to ${kindOf(list)}, not a list.`);
    this.container(list, items);
  }

  private setItems(dict: PickleValue, items: PickleValue[], at: number): Map<PickleValue, PickleValue> {
    if (!(dict instanceof Map)) throw new ZooPickleError(`SETITEM at byte ${at} sets an item of ${kindOf(dict)}, not a dict.`);
    if (items.length % 2)
      throw new ZooPickleError(`SETITEMS at byte ${at} has an odd number of values (${items.length}); keys and values come in pairs.`);
    for (let i = 0; i < items.length; i += 2) {
      dict.set(items[i]!, items[i + 1]!);
      this.deepen(dict, items[i]!);
      this.deepen(dict, items[i + 1]!);
    }
    return dict;
  }

  // --- applying the allowed globals ----------------------------------------------------

  private reduce(callable: PickleValue, args: PickleValue, at: number): PickleValue {
    if (!(callable instanceof PickleGlobal))
      throw new ZooPickleError(`REDUCE at byte ${at} calls ${kindOf(callable)}, not a class or function.`);
    if (!Array.isArray(args) || !Object.isFrozen(args))
      throw new ZooPickleError(`REDUCE at byte ${at} passes ${kindOf(args)}, not a tuple of arguments.`);
    const name = callable.toString();
    const arity = (min: number, max = min) => {
      if (args.length < min || args.length > max) {
        throw new ZooPthError(
          `\`${name}\` is given ${args.length} argument(s) at byte ${at}; torch.save gives it ${min === max ? min : `${min} to ${max}`}.`,
        );
      }
    };
    switch (name) {
      case ORDERED_DICT: {
        arity(0, 1);
        const map = new Map<PickleValue, PickleValue>();
        if (args.length === 0) return map;
        const items = args[0]!;
        if (items instanceof Map) {
          for (const [k, v] of items) this.setItems(map, [k, v], at);
          return map;
        }
        if (!Array.isArray(items)) throw new ZooPickleError(`\`${ORDERED_DICT}\` at byte ${at} is given ${kindOf(items)}, not pairs.`);
        for (const pair of items) {
          if (!Array.isArray(pair) || pair.length !== 2)
            throw new ZooPickleError(`\`${ORDERED_DICT}\` at byte ${at} is given ${kindOf(pair)} where a (key, value) pair belongs.`);
          this.setItems(map, pair, at);
        }
        return map;
      }
      case REBUILD_TENSOR_V2:
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]): the hooks are
        // an empty OrderedDict (any hook would be a function, refused when named); the rest is not needed.
        arity(6, 7);
        return TorchTensor.view(args[0]!, args[1]!, args[2]!, args[3]!);
      case REBUILD_TENSOR:
        // What torch before 0.4 wrote: (storage, storage_offset, size, stride).
        arity(4);
        return TorchTensor.view(args[0]!, args[1]!, args[2]!, args[3]!);
      case REBUILD_PARAMETER:
      case REBUILD_PARAMETER_WITH_STATE:
        // (data, requires_grad, backward_hooks[, state]): a Parameter is its tensor, for reading weights.
        arity(name === REBUILD_PARAMETER ? 3 : 4);
        if (!(args[0] instanceof TorchTensor)) throw new ZooPthError(`\`${name}\` at byte ${at} wraps ${kindOf(args[0])}, not a tensor.`);
        return args[0];
      case TORCH_SIZE: {
        arity(1);
        const dims = args[0]!;
        if (!Array.isArray(dims)) throw new ZooPthError(`\`torch.Size\` at byte ${at} is given ${kindOf(dims)}, not a tuple.`);
        return this.tuple(dims.slice());
      }
      default:
        throw new ZooPickleError(`REDUCE at byte ${at} calls \`${name}\`, which torch.save only ever names, never calls.`);
    }
  }

  private newObject(cls: PickleValue, args: PickleValue, kwargs: PickleValue, at: number): PickleValue {
    const empty = (v: PickleValue) => v === null || (Array.isArray(v) && v.length === 0) || (v instanceof Map && v.size === 0);
    if (cls instanceof PickleGlobal && cls.toString() === ORDERED_DICT && empty(args) && empty(kwargs)) return new Map();
    throw new ZooPickleError(
      `NEWOBJ at byte ${at} creates ${kindOf(cls)}; of the allowed globals only an empty OrderedDict is created that way.`,
    );
  }

  private build(obj: PickleValue, state: PickleValue, at: number): void {
    // A state dict's OrderedDict carries `_metadata` (module versions) as an attribute; a reader of
    // weights does not need it, so it is checked for shape and dropped.
    if (obj instanceof Map && (state === null || state instanceof Map || (Array.isArray(state) && state.length === 2))) return;
    throw new ZooPickleError(
      `BUILD at byte ${at} sets the state of ${kindOf(obj)} to ${kindOf(state)}; torch.save does that only to an OrderedDict.`,
    );
  }

  private persistent(pid: PickleValue, at: number): PickleValue {
    if (!this.options.persistentLoad) throw new ZooPickleError(`A persistent id at byte ${at}, in a pickle that should have none.`);
    return this.options.persistentLoad(pid);
  }
}

/** The one place a global is admitted: named and checked, never imported. */
function global(module: string, name: string): PickleGlobal {
  const full = `${module}.${name}`;
  if (!ALLOWED_GLOBALS.has(full)) throw new ZooPickleGlobalError(full);
  return new PickleGlobal(module, name);
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function small(v: bigint): number | bigint {
  return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

/** Python's raw-unicode-escape: Latin-1 text with \uXXXX and \UXXXXXXXX escapes. */
function rawUnicodeEscape(line: string): string {
  return line.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (m, u: string | undefined, U: string | undefined) => {
    const cp = Number.parseInt(u ?? U!, 16);
    if (cp > 0x10ffff) throw new ZooPickleError(`The escape ${m} in a UNICODE string is past the last code point.`);
    return String.fromCodePoint(cp);
  });
}
