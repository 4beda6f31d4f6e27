/**
 * The contract suite on the embedded warehouse.
 */
import { contractSuite } from './contract-suite.js';
import { duckdbHarness } from './duckdb-harness.js';

contractSuite(duckdbHarness);
