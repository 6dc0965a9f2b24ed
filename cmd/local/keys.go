package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// devKeyBits is the size of the development signing key: RS256 with a
// 2048-bit key, as Cognito signs the tokens the deployed API accepts.
const devKeyBits = 2048

// loadOrCreateKey returns the local development signing key, generating it
// on first run. It lives in the git-ignored .local folder: no key is ever
// committed, and each developer's tokens are their own. A key of an older
// kind (the ECDSA key of earlier versions) is replaced: it only signed
// development tokens, which a new key invalidates harmlessly.
func loadOrCreateKey(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%s is not PEM; delete it to get a new key", path)
		}
		if blk.Type == "RSA PRIVATE KEY" {
			return x509.ParsePKCS1PrivateKey(blk.Bytes)
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, devKeyBits)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		return nil, err
	}
	return key, nil
}

// loadOrCreateSecret returns the n random bytes kept at path (mode 0600),
// creating them on first run, as the stack's secret does in AWS: the
// cursor key, so that cursors stay valid across restarts.
func loadOrCreateSecret(path string, n int) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		if len(b) != n {
			return nil, fmt.Errorf("%s: want %d bytes, found %d (make reset removes it)", path, n, len(b))
		}
		return b, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadOrCreateSecret(path, n)
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	return b, f.Close()
}
