#!/usr/bin/env node
import { main, PROCESS_IO } from './main.ts';

process.exitCode = await main(process.argv.slice(2), PROCESS_IO);
