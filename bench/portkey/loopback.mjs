// Preloaded into the Portkey gateway (node --import): its start-server.js calls
// @hono/node-server's serve({fetch, port}) without a hostname, so Node would listen on every
// interface, and it has no option or environment variable for the address. This makes a listen()
// without a host bind 127.0.0.1 only.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if ((typeof args[0] === 'number' || typeof args[0] === 'string') && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1');
  }
  return listen.apply(this, args);
};
