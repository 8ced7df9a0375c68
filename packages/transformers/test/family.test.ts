import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeFamilyPackage } from '@zoo/test-support';
import '../src/register.js';
import { TRANSFORMERS } from './suite.js';

// The shared family suite: the catalog against the reference (figures, every layer where a
// listing exists, state-dict keys), import purity, the front door, quantized files.
describeFamilyPackage({ ...TRANSFORMERS, parts: ['catalog', 'purity', 'front-door', 'quantize'] });
