// Entry point of ovnts-controller.
console.error('ovnts-controller: not built yet');
process.exit(1);
