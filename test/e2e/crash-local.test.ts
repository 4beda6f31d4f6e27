/** SIGKILL at every step index of a reset on the embedded warehouse (see crash-suite.ts). */
import { crashSuite } from './crash-suite.js';

crashSuite('local');
