// Package netconform is the root of the netconform module: a conformance test
// harness, a configurable mock HTTP/HTTPS server and a reference
// implementation for Solar2D's Lua networking API (network.request,
// network.upload, network.download, network.cancel and the networkRequest
// event).
//
// The packages are:
//   - impl: the reference implementation, over real sockets;
//   - mockserver: the configurable mock server with faults and a journal;
//   - internal/strictyaml: strict YAML decoding (position errors,
//     did-you-mean) for scenarios, case files and the catalogue;
//   - harness: case model, drivers, runner and oracle;
//   - specs: the Ginkgo suite generated from the YAML cases;
//   - reports: conformance reports;
//   - cmd/netconform: the command-line tool.
package netconform
