// Entry point of ovnts, the umbrella command (see ../umbrella.ts).
import { runOvnts } from '../umbrella.js';

process.exitCode = await runOvnts(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
});
