/**
 * The contract suite on the Snowflake adapter, through the real snowflake-sdk and the local
 * Snowflake-protocol test server.
 */
import { contractSuite } from './contract-suite.js';
import { snowflakeHarness } from './snowflake-harness.js';

contractSuite(snowflakeHarness);
