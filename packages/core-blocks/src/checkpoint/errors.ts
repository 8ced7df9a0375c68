import { ZooCheckpointError } from '../keys/errors.js';

export { ZooCheckpointError, ZooStateDictRuleError } from '../keys/errors.js';

/** The 8-byte length or the JSON header of a safetensors file is unusable. */
export class ZooSafetensorsHeaderError extends ZooCheckpointError {
  override name = 'ZooSafetensorsHeaderError';
}

/** A tensor's dtype is not a safetensors dtype, or not one that converts to float32. */
export class ZooSafetensorsDtypeError extends ZooCheckpointError {
  override name = 'ZooSafetensorsDtypeError';
}

/** A tensor's `data_offsets` point outside the data, overlap another tensor, or leave bytes unindexed. */
export class ZooSafetensorsOffsetError extends ZooCheckpointError {
  override name = 'ZooSafetensorsOffsetError';
}

/** A tensor's shape is malformed or does not match its number of bytes. */
export class ZooSafetensorsShapeError extends ZooCheckpointError {
  override name = 'ZooSafetensorsShapeError';
}

/** A pickle stream that is malformed, truncated, or uses an opcode that `torch.save` never writes. */
export class ZooPickleError extends ZooCheckpointError {
  override name = 'ZooPickleError';
}

/**
 * A pickle that goes past one of the reader's bounds (nesting depth, memo entries, operations,
 * the size of one integer): refused before it costs more time or memory. `limit` names the bound.
 */
export class ZooPickleLimitError extends ZooPickleError {
  override name = 'ZooPickleLimitError';
  constructor(
    readonly limit: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A pickle that names a Python global a plain state dict does not need (`os.system`,
 * `builtins.eval`, a model's class, `argparse.Namespace`): refused when it is named, before
 * anything uses it. The reader never runs code from a file, so nothing was run.
 */
export class ZooPickleGlobalError extends ZooCheckpointError {
  override name = 'ZooPickleGlobalError';
  constructor(readonly global: string) {
    super(
      `The checkpoint's pickle names the Python global \`${global}\`, which a plain state dict does not need; ` +
        'it was refused and nothing was run (this reader never executes code from a file). ' +
        'The file is not a plain state dict: it pickles other Python objects (a whole model, training arguments, ' +
        'numpy values) or it is malicious. Where you trust the file, re-save only the weights in Python: ' +
        '`torch.save(model.state_dict(), f)` or safetensors.',
    );
  }
}

/**
 * A `torch.save` file whose container is unusable: the zip directory, a missing or mis-sized
 * storage, a tensor view outside its storage, or no state dict where one is looked for.
 */
export class ZooPthError extends ZooCheckpointError {
  override name = 'ZooPthError';
}

/** Bytes that are none of the checkpoint formats `readCheckpoint` knows (an HTML page, a pointer file). */
export class ZooCheckpointFormatError extends ZooCheckpointError {
  override name = 'ZooCheckpointFormatError';
}

export interface MismatchedKey {
  key: string;
  /** Shape the model expects, in the checkpoint's (PyTorch) layout. */
  expected: number[];
  got: number[];
}

export interface WrongDtypeKey {
  key: string;
  dtype: string;
}

/** What a state dict load did: the lists PyTorch's `load_state_dict` reports, and what loaded. */
export interface StateDictReport {
  loaded: string[];
  /** Keys the model needs that the checkpoint lacks. */
  missing: string[];
  /** Keys of the checkpoint that no layer takes and no rule ignores. */
  unexpected: string[];
  mismatched: MismatchedKey[];
  /** Keys whose tensor is not floating point (an integer buffer where a weight belongs). */
  wrongDtype: WrongDtypeKey[];
  /** Keys skipped by a rule (`num_batches_tracked`, non-persistent buffers). */
  ignored: string[];
}

/** A state dict that does not fit the model: nothing was loaded, the model is unchanged. */
export class ZooStateDictError extends ZooCheckpointError {
  override name = 'ZooStateDictError';
  constructor(
    readonly report: StateDictReport,
    context = '',
  ) {
    super(`${context}Checkpoint does not fit the model; nothing was loaded, the model is unchanged.\n${describeReport(report)}`);
  }
}

const SHOWN = 20;

function list(keys: string[]): string {
  const shown = keys.slice(0, SHOWN).join(', ');
  return keys.length > SHOWN ? `${shown}, ... (${keys.length - SHOWN} more)` : shown;
}

/** PyTorch-style listing of a report's problems, one line per kind. */
export function describeReport(r: StateDictReport): string {
  const lines: string[] = [];
  if (r.missing.length) lines.push(`  Missing key(s) (${r.missing.length}): ${list(r.missing)}`);
  if (r.unexpected.length) lines.push(`  Unexpected key(s) (${r.unexpected.length}): ${list(r.unexpected)}`);
  if (r.mismatched.length)
    lines.push(
      `  Size mismatch (${r.mismatched.length}): ${list(r.mismatched.map((m) => `${m.key}: checkpoint [${m.got}], model expects [${m.expected}]`))}`,
    );
  if (r.wrongDtype.length)
    lines.push(`  Not floating point (${r.wrongDtype.length}): ${list(r.wrongDtype.map((m) => `${m.key}: ${m.dtype}`))}`);
  return lines.join('\n');
}
