import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeFamilyPackage } from '@zoo/test-support';
import '../src/register.js';
import { TRANSFORMERS } from './suite.js';

// The shared family suite: weight sets loaded by name, as the reference computes them.
describeFamilyPackage({ ...TRANSFORMERS, parts: ['weights'] });
