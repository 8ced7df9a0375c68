/**
 * Typed errors of the zoo. Every error says what was expected and what to do, so that a caller
 * can both show it to a person and branch on it in code (`err instanceof ZooOptionError`).
 */
export class ZooError extends Error {
  override name = 'ZooError';
}

/** A creation option has a value that is not allowed. */
export class ZooOptionError extends ZooError {
  override name = 'ZooOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly expected: string,
    hint?: string,
  ) {
    super(`Invalid option \`${option}\`: got ${describe(value)}; expected ${expected}.${hint ? ` ${hint}` : ''}`);
  }
}

/** An input shape the model cannot take (wrong rank, wrong layout, too small). */
export class ZooShapeError extends ZooError {
  override name = 'ZooShapeError';
}

/** A model name that no installed catalog knows. */
export class ZooUnknownModelError extends ZooError {
  override name = 'ZooUnknownModelError';
  constructor(
    readonly model: string,
    readonly suggestions: readonly string[],
    hint = 'List the installed models with `zoo list` or `listModels()`.',
  ) {
    super(
      `Unknown model \`${model}\`.${suggestions.length ? ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(', ')}?` : ''} ${hint}`,
    );
  }
}

/** A short, unambiguous rendering of a value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    // A cyclic or very deep value (a hostile file) defeats JSON.stringify and String alike.
    try {
      return String(value);
    } catch {
      return Array.isArray(value) ? 'a deeply nested list' : typeof value;
    }
  }
}
