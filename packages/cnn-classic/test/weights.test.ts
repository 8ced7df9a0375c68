import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeFamilyPackage } from '@zoo/test-support';
import '../src/register.js';
import { CLASSIC } from './suite.js';

// The shared family suite: weight sets loaded by name, as the reference computes them.
describeFamilyPackage({ ...CLASSIC, parts: ['weights'] });
