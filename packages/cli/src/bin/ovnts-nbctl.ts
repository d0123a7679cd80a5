// Entry point of ovnts-nbctl.
console.error('ovnts-nbctl: not built yet');
process.exit(1);
