// Entry point of ovnts.
console.error('ovnts: not built yet');
process.exit(1);
