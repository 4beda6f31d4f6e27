/** SIGKILL at every step index of a reset through a Snowflake connection to the test server (see crash-suite.ts). */
import { crashSuite } from './crash-suite.js';

crashSuite('snowflake');
