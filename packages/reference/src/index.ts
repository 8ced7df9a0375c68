import { referenceFile, referenceSha256 } from './generated/models.js';
import type { ReferenceModel } from './types.js';

export type { PublishedAccuracy, ReferenceFile, ReferenceImplementation, ReferenceModel } from './types.js';

/** How the figures were measured (the data file's `about`). */
export const referenceAbout: string = referenceFile.about;

/** SHA-256 of the `models.json` these figures come from (see data/PROVENANCE.json). */
export const referenceDataSha256: string = referenceSha256;

/** Every model of the reference data, by name. */
export const referenceModels: Readonly<Record<string, ReferenceModel>> = referenceFile.models;

/** The reference figures of one model, or undefined when the reference data does not cover it. */
export function getReference(name: string): ReferenceModel | undefined {
  return Object.hasOwn(referenceModels, name) ? referenceModels[name] : undefined;
}

/** Names of the models the zoo must implement, optionally of one package (`'cnn-classic'`). */
export function requiredModels(pkg?: string): string[] {
  return Object.entries(referenceModels)
    .filter(([, m]) => m.required && (pkg === undefined || m.package === pkg))
    .map(([name]) => name);
}
