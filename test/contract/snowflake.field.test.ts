/**
 * The field defects on the Snowflake adapter, through the real snowflake-sdk and the local
 * Snowflake-protocol test server.
 */
import { fieldSuite } from './field-suite.js';
import { snowflakeHarness } from './snowflake-harness.js';

fieldSuite(snowflakeHarness);
