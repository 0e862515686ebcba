package mockserver

// This file holds the pools that keep serving a request free of most
// allocations: exchanges, SHA-256 hashers and write buffers.

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

// getExchange returns a zero exchange but for a reset sentHash, from the
// pool when it has one; putExchange gives it back once finished (nothing
// refers to it then: its journal entry was packed and replaced, or newer
// records had pushed it out of the ring; see
// space.store).
func (s *Server) getExchange() *exchange {
	if x, ok := s.exchanges.Get().(*exchange); ok {
		return x
	}
	return &exchange{sentHash: &hasher{Hash: sha256.New()}}
}

func (s *Server) putExchange(x *exchange) {
	h := x.sentHash
	h.Reset()
	*x = exchange{sentHash: h} // drop the request, response writer and record
	s.exchanges.Put(x)
}

// hasher is a SHA-256 with room for its sum, pooled in Server.hashes.
type hasher struct {
	hash.Hash
	sum [sha256.Size]byte
}

// getHash returns a reset hasher from the pool; putHash gives it back.
func (s *Server) getHash() *hasher {
	if h, ok := s.hashes.Get().(*hasher); ok {
		return h
	}
	return &hasher{Hash: sha256.New()}
}

func (s *Server) putHash(h *hasher) {
	if h != nil {
		h.Reset()
		s.hashes.Put(h)
	}
}

// hexSum returns the hex SHA-256 of what h hashed (emptySHA256 for nil).
func hexSum(h *hasher) string {
	if h == nil {
		return emptySHA256
	}
	var dst [2 * sha256.Size]byte
	hex.Encode(dst[:], h.Sum(h.sum[:0]))
	return string(dst[:])
}

// getBuf returns a buffer of n bytes, from the pool when n <= writeSize;
// putBuf gives it back.
func (s *Server) getBuf(n int) []byte {
	if n > writeSize {
		return make([]byte, n)
	}
	if p, ok := s.bufs.Get().(*[writeSize]byte); ok {
		return p[:n]
	}
	return new([writeSize]byte)[:n]
}

func (s *Server) putBuf(b []byte) {
	if cap(b) == writeSize {
		s.bufs.Put((*[writeSize]byte)(b[:writeSize]))
	}
}
