#!/bin/sh
# The gateway-router topology, built with ovnts-nbctl (any ovn-nbctl works the same):
#
#   vm1 192.168.100.10 ─┐                                                   ┌─ phyNet (localnet)
#   vm2 192.168.100.11 ─┴ ls1 ── router1 ── join 192.168.255.0/24 ── gw1 ── outside 172.18.0.0/16
#                      192.168.100.0/24     (distributed)            (pinned to chassis hv1)
#
# gw1 SNATs 192.168.100.0/24 to 172.18.1.2 and load-balances VIP 172.18.1.254:80 over the two VMs;
# the same balancer sits on ls1 so clients on the logical network reach the VIP too.
# Run (from the repository, after `npm run build`; OVN_NB_DB=unix:/path/nb.sock, CHASSIS defaults to hv1,
# NBCTL=ovn-nbctl to compare with the real tool):
#   PATH="$PWD/node_modules/.bin:$PATH" examples/gateway.sh hv1
set -e
NBCTL=${NBCTL:-ovnts-nbctl}
CHASSIS=${1:-hv1}

# All of it is one transaction: either the whole topology appears or nothing does.
$NBCTL \
  -- ls-add ls1 \
  -- lsp-add ls1 vm1 -- lsp-set-addresses vm1 "02:ac:10:ff:00:11 192.168.100.10" \
  -- lsp-add ls1 vm2 -- lsp-set-addresses vm2 "02:ac:10:ff:00:22 192.168.100.11" \
  -- lr-add router1 \
  -- lrp-add router1 router1-ls1 02:ac:10:ff:01:01 192.168.100.1/24 \
  -- lsp-add ls1 ls1-router1 -- lsp-set-type ls1-router1 router \
  -- lsp-set-addresses ls1-router1 router -- lsp-set-options ls1-router1 router-port=router1-ls1 \
  -- ls-add join \
  -- lrp-add router1 router1-join 02:ac:10:ff:ff:01 192.168.255.1/24 \
  -- lsp-add join join-router1 -- lsp-set-type join-router1 router \
  -- lsp-set-addresses join-router1 router -- lsp-set-options join-router1 router-port=router1-join \
  -- lr-add gw1 -- set Logical_Router gw1 options:chassis="$CHASSIS" \
  -- lrp-add gw1 gw1-join 02:ac:10:ff:ff:02 192.168.255.2/24 \
  -- lsp-add join join-gw1 -- lsp-set-type join-gw1 router \
  -- lsp-set-addresses join-gw1 router -- lsp-set-options join-gw1 router-port=gw1-join \
  -- lr-route-add router1 0.0.0.0/0 192.168.255.2 \
  -- lr-route-add gw1 192.168.100.0/24 192.168.255.1 \
  -- ls-add outside \
  -- lrp-add gw1 gw1-outside 02:ac:10:ff:02:01 172.18.1.2/16 \
  -- lsp-add outside outside-gw1 -- lsp-set-type outside-gw1 router \
  -- lsp-set-addresses outside-gw1 router -- lsp-set-options outside-gw1 router-port=gw1-outside \
  -- lsp-add outside phyNet -- lsp-set-type phyNet localnet \
  -- lsp-set-addresses phyNet unknown -- lsp-set-options phyNet network_name=phyNet \
  -- lr-route-add gw1 0.0.0.0/0 172.18.0.1 \
  -- lr-nat-add gw1 snat 172.18.1.2 192.168.100.0/24 \
  -- lb-add lb1 172.18.1.254:80 192.168.100.10:80,192.168.100.11:80 \
  -- lr-lb-add gw1 lb1 \
  -- ls-lb-add ls1 lb1

for x in ls1 join outside router1 gw1; do $NBCTL show "$x"; done
