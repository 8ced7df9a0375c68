import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeFamilyPackage } from '@zoo/test-support';
import '../src/register.js';
import { CLASSIC } from './suite.js';

// The shared family suite: every model saves and loads back.
describeFamilyPackage({ ...CLASSIC, parts: ['save-load'] });
