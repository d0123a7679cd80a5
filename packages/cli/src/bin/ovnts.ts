// Entry point of ovnts, the umbrella command. For now it points at the programs that exist.
const usage = `ovnts: the ovnts OVN control plane (TypeScript)
usage: ovnts COMMAND [ARG...]

Programs:
  ovnts-nbctl       drop-in ovn-nbctl 23.03 (run "ovnts-nbctl --help")

Commands:
  nbctl ARG...      same as ovnts-nbctl ARG...
  help              this text
`;

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'nbctl') {
  const { runNbctl } = await import('../nbctl/main.js');
  process.exitCode = await runNbctl(rest, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    programName: 'ovnts nbctl',
  });
} else if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
  process.stdout.write(usage);
} else {
  process.stderr.write(`ovnts: unknown command '${cmd}'; use "ovnts help"\n`);
  process.exitCode = 1;
}
