#!/usr/bin/env node
/**
 * The `ckpt` executable: runs the program on argv and exits with its code.
 */
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
