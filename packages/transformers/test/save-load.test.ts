import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describeFamilyPackage } from '@zoo/test-support';
import '../src/register.js';
import { TRANSFORMERS } from './suite.js';

// The shared family suite: every model saves and loads back (vit_h_14's round trip is in vit-h.test.ts).
describeFamilyPackage({ ...TRANSFORMERS, parts: ['save-load'] });
