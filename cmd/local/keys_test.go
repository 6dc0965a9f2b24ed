package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "dev-signing-key.pem")
	first, err := loadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	again, err := loadOrCreateKey(path)
	if err != nil || !again.Equal(first) {
		t.Fatalf("second run: a different key (%v)", err)
	}

	// an ECDSA key of an earlier version is replaced by an RSA key
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalECPrivateKey(ec)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	replaced, err := loadOrCreateKey(path)
	if err != nil || replaced.Equal(first) || replaced.N.BitLen() != devKeyBits {
		t.Fatalf("old EC key: %v, replaced %v", err, replaced != nil)
	}

	if err := os.WriteFile(path, []byte("not pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrCreateKey(path); err == nil {
		t.Error("a corrupt key file was accepted")
	}
}
