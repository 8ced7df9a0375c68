import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ZooError } from '../base/errors.js';

/** A layer needs a kernel the active backend does not have. */
export class ZooBackendError extends ZooError {
  override name = 'ZooBackendError';
  constructor(
    readonly layer: string,
    readonly className: string,
    readonly backend: string,
    readonly kernel: string,
  ) {
    super(
      `Layer \`${layer}\` (${className}) cannot run on the ${backend} backend: TF.js has no \`${kernel}\` kernel there. ` +
        `Run the model on a backend that has it (tf.setBackend('cpu'), 'wasm', 'webgl' or 'webgpu').`,
    );
  }
}

const KERNEL_MISSING = /Kernel '([^']+)' not registered for backend '([^']+)'/;
const GUARDED = Symbol('zoo.backendErrors');

type LayerClass = { prototype: tfl.layers.Layer & { [GUARDED]?: true } };

/**
 * Makes a missing kernel inside the class's `call` a `ZooBackendError` that names the layer, its
 * class, the backend and the kernel, instead of TF.js's bare kernel message. Idempotent.
 */
export function nameLayerInBackendErrors(cls: LayerClass): void {
  const proto = cls.prototype;
  if (Object.hasOwn(proto, GUARDED)) return;
  const call = proto.call;
  Object.defineProperty(proto, 'call', {
    configurable: true,
    writable: true,
    value: function (this: tfl.layers.Layer, ...args: Parameters<tfl.layers.Layer['call']>) {
      try {
        return call.apply(this, args);
      } catch (err) {
        const m = KERNEL_MISSING.exec((err as Error)?.message ?? '');
        if (m) throw new ZooBackendError(this.name, this.getClassName(), m[2] ?? tf.getBackend(), m[1]);
        throw err;
      }
    },
  });
  Object.defineProperty(proto, GUARDED, { value: true });
}
