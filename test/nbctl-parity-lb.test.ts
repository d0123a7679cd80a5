// Parity of ovnts-nbctl with the real ovn-nbctl 23.03: load balancers and their attachment to
// switches and routers.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { useSandbox } from '@ovnts/test-harness';
import { ParityRunner, type ParityCase } from '../packages/cli/test/parity.js';

const c = (name: string, ...steps: string[][]): ParityCase => ({ name, steps });

const CASES: ParityCase[] = [
  c(
    'lb-add/list/del',
    ['lb-add', 'lb0', '30.0.0.10:80', '192.168.10.10:80,192.168.10.20:80'],
    ['lb-add', 'lb0', '30.0.0.10:80', '192.168.10.10:80'],
    ['--may-exist', 'lb-add', 'lb0', '30.0.0.10:80', '192.168.10.30:80'],
    ['lb-add', 'lb0', '30.0.0.11', '192.168.10.10', 'udp'],
    ['lb-add', 'lb0', '30.0.0.12:53', '192.168.10.10:53', 'udp'],
    ['lb-add', 'lb1', '[fd00::1]:8080', '[fd01::1]:80,[fd01::2]:80', 'sctp'],
    ['lb-add', 'lb2', 'fd00::2', 'fd01::3'],
    ['lb-list'],
    ['lb-list', 'lb0'],
    ['lb-del', 'lb0', '30.0.0.11'],
    ['lb-del', 'lb0', '30.0.0.99'],
    ['--if-exists', 'lb-del', 'lb0', '30.0.0.99'],
    ['lb-del', 'lb2', 'fd00::2'],
    ['lb-list'],
    ['lb-del', 'lb1'],
    ['lb-del', 'nope'],
    ['lb-list'],
  ),
  c(
    'lb-add errors',
    ['lb-add', 'lb', '30.0.0.10:80', '192.168.10.10'],
    ['lb-add', 'lb', '30.0.0.10', '192.168.10.10:80'],
    ['lb-add', 'lb', '30.0.0.300', '192.168.10.10'],
    ['lb-add', 'lb', '30.0.0.10', 'fd00::1'],
    ['lb-add', 'lb', '30.0.0.10:80', 'bad:80,192.168.1.1'],
    ['lb-add', 'lb', '30.0.0.10', '192.168.10.10', 'tcp'],
    ['lb-add', 'lb', '30.0.0.10:80', '192.168.10.10:80', 'icmp'],
    ['--reject', '--event', 'lb-add', 'lb', '30.0.0.10:80', '192.168.10.10:80'],
    ['--reject', 'lb-add', 'lb', '30.0.0.10:80', '192.168.10.10:80'],
    ['--event', '--add-route', 'lb-add', 'lb2', '30.0.0.10:80', '192.168.10.10:80'],
    ['--add-duplicate', 'lb-add', 'lb', '30.0.0.10:80', '192.168.10.10:80'],
    ['--columns=name,options,protocol,vips', 'find', 'Load_Balancer', 'name=lb2'],
    ['lb-add', 'lb3', '30.0.0.10:99999', '192.168.10.10:80'],
    ['lb-add', 'lb3', '30.0.0.10:80', ''],
    ['lb-list', 'lb3'],
  ),
  c(
    'address errors logged by socket_util, silenced with -vsocket_util:off',
    ['lb-add', 'lb0', '30.0.0.10:80a', '192.168.10.10:80', 'tcp'],
    ['-vsocket_util:off', 'lb-add', 'lb0', '30.0.0.10:80a', '192.168.10.10:80', 'tcp'],
    ['-vsocket_util:off', 'lb-add', 'lb0', '[ae0f::10]:80a', '[fd0f::10]:80', 'tcp'],
    // An empty port is no port.
    ['lb-add', 'lb0', '30.0.0.10:', '192.168.10.10:80,192.168.10.20:80', 'tcp'],
    ['lb-add', 'lb0', '[ae0f::10]:', '[fd0f::10]:80,[fd0f::20]:80', 'tcp'],
    ['lb-add', 'lb0', '30.0.0.10:', '192.168.10.10,192.168.10.20:'],
    ['lb-list'],
  ),
  c(
    'template load balancers',
    ['--template', 'lb-add', 'lb0', '^vip', '^backend'],
    ['--template', 'lb-add', 'lb1', '^vip:^vport', '^backend', 'udp'],
    ['--template', 'lb-add', 'lb3', '^vip:^vport', '^backend', 'udp', 'ipv6'],
    ['--template', 'lb-add', 'lb4', '^vip:^vport', '^backend:^bport', 'udp', 'ipv4'],
    ['--template', 'lb-add', 'lb6', '^vip:^vport', '1.1.1.1:111', 'udp', 'ipv4'],
    ['--template', 'lb-add', 'lb7', '^vip:^vport', '[1::1]:111', 'udp', 'ipv6'],
    ['--template', 'lb-add', 'lb8', '^vip:^vport', '[1::1]:111,a:b:c', 'udp', 'ipv6'],
    ['--template', 'lb-add', 'lb9', 'a:b:c', '^b'],
    ['--template', 'lb-add', 'lb10', '^v', '^b', 'udp'],
    ['--template', 'lb-add', 'lb0', '^vip', '^other'],
    ['--template', '--may-exist', 'lb-add', 'lb0', '^vip', '^other'],
    ['lb-list'],
    ['--columns=name,options,protocol,vips', 'find', 'Load_Balancer', 'name=lb7'],
  ),
  c(
    'ls-lb and lr-lb',
    ['ls-add', 's'],
    ['lr-add', 'r'],
    ['lb-add', 'lb0', '30.0.0.10:80', '192.168.10.10:80'],
    ['lb-add', 'lb1', '30.0.0.11:80', '192.168.10.11:80', 'udp'],
    ['ls-lb-add', 's', 'lb0'],
    ['ls-lb-add', 's', 'lb0'],
    ['--may-exist', 'ls-lb-add', 's', 'lb0'],
    ['ls-lb-add', 's', 'lb1'],
    ['ls-lb-add', 's', 'nolb'],
    ['ls-lb-add', 'nosw', 'lb0'],
    ['lr-lb-add', 'r', 'lb1'],
    ['lr-lb-add', 'r', 'lb1'],
    ['ls-lb-list', 's'],
    ['lr-lb-list', 'r'],
    ['ls-lb-del', 's', 'lb0'],
    ['ls-lb-del', 's', 'lb0', '--', 'ls-lb-list', 's'],
    ['--if-exists', 'ls-lb-del', 's', 'lb0'],
    ['lr-lb-del', 'r', 'lb0'],
    ['lr-lb-del', 'r'],
    ['lr-lb-list', 'r'],
    ['ls-lb-del', 's'],
    ['ls-lb-list', 's'],
  ),
];

describe('ovnts-nbctl parity with ovn-nbctl 23.03 (load balancers)', () => {
  const sandbox = useSandbox();
  let runner: ParityRunner;
  beforeAll(async () => {
    runner = await ParityRunner.start(sandbox());
  });
  afterAll(() => {
    console.log(
      `nbctl parity (lb): ${CASES.length} cases, ${runner.compared} steps compared, ${runner.mismatches} mismatching cases`,
    );
  });
  for (const pc of CASES) it(pc.name, () => runner.check(pc));
});
