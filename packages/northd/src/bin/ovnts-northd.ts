// Entry point of ovnts-northd.
console.error('ovnts-northd: not built yet');
process.exit(1);
