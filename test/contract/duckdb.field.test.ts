/**
 * The field defects on the embedded warehouse.
 */
import { fieldSuite } from './field-suite.js';
import { duckdbHarness } from './duckdb-harness.js';

fieldSuite(duckdbHarness);
