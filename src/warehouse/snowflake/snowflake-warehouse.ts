/**
 * Placeholder until the Snowflake adapter lands: refuses clearly instead of pretending.
 */
import { CkptError } from '../../model/errors.js';
import type { Logger } from '../../model/logger.js';
import type { Warehouse } from '../warehouse.js';

/** Options to open a Snowflake connection. */
export interface SnowflakeOpenOptions {
  connectionName: string;
  logger: Logger;
}

/** Snowflake behind the Warehouse interface. */
export class SnowflakeWarehouse {
  static async open(options: SnowflakeOpenOptions): Promise<Warehouse> {
    throw new CkptError('CONNECTION_UNKNOWN', `connection ${options.connectionName}: Snowflake connections are not available in this build`, {
      hint: 'use connection: local',
    });
  }
}
