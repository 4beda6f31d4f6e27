/**
 * `npm start`: loads the demo SQL (examples/demo.sql) into the first target of the top-level
 * checkpoints.yaml when its schema is empty (so a second start changes nothing), then runs
 * `ckpt daemon` on that file in the foreground (Ctrl-C stops it), with the arguments given after
 * `npm start --` (`npm start -- --plan`, `npm start -- --listen 127.0.0.1:0`).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Session, targetRef } from '../engine/session.js';
import { CkptError } from '../model/errors.js';
import { configPath, connectionChoice, loadDesired } from './config-file.js';
import { Output } from './io.js';
import { createCommandLogger } from './logger.js';
import { main } from './program.js';
import { inventoriesNeeded } from '../plan/inventory-needs.js';

// Quiet snowflake-sdk's process-wide side effects, as bin/main does (it loads lazily, after this).
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';

const DEMO_SQL = fileURLToPath(new URL('../../../examples/demo.sql', import.meta.url));

const out = new Output();
const file = configPath(undefined);
const desired = await loadDesired(file, out, connectionChoice(undefined)).catch((error: Error) => {
  out.message(`error: ${error.message}`);
  process.exit(1);
});
const [target] = desired.targets;
if (target !== undefined) {
  let session: Session | undefined;
  try {
    session = new Session(desired, { logger: createCommandLogger(out), command: 'start' });
    const warehouse = await session.warehouse(target);
    const observed = await warehouse.observe(targetRef(target), inventoriesNeeded(target, 'totals'));
    if (observed.objects.length === 0) {
      out.message(`Loading ${DEMO_SQL} into ${target.schema} (the schema is empty).`);
      await warehouse.query(targetRef(target), await readFile(DEMO_SQL, 'utf8'));
    }
  } catch (error) {
    out.message(`error: ${(error as Error).message}`);
    if (error instanceof CkptError && error.hint) out.message(`  hint: ${error.hint}`);
    process.exit(1);
  } finally {
    await session?.close();
  }
}
process.exitCode = await main(['daemon', '--file', file, ...process.argv.slice(2)]);
