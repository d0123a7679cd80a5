// Entry point of ovnts-nbctl: a drop-in ovn-nbctl 23.03.1.
import path from 'node:path';
import { runNbctl } from '../nbctl/main.js';

const status = await runNbctl(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  programName: path.basename(process.argv[1] ?? 'ovnts-nbctl').replace(/\.[jt]s$/, ''),
});
process.exitCode = status;
