//go:build gozxing

// This test decodes QRPNG's output with gozxing, a port of the ZXing scanner
// library. It needs golang.org/x/text, which gozxing imports and go.sum does
// not list yet; once it does, drop the build tag. Until then run it with
// `go test -tags gozxing ./shared/domain/ticket` in a module where it resolves.

package ticket

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

func TestQRDecodesWithGozxing(t *testing.T) {
	key := newKey(t)
	for _, size := range []int{0, 256, 512} {
		payload := Signer{Key: key}.Payload(sample(t))
		pngBytes, err := QRPNG(payload, size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true})
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if res.GetText() != payload {
			t.Fatalf("decoded %q, want %q", res.GetText(), payload)
		}
		if _, err := verifierOf(key).Verify(res.GetText()); err != nil {
			t.Fatal(err)
		}
		// Without the pure-barcode hint the reader must find the code itself,
		// as a phone camera would.
		res, err = qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil || res.GetText() != payload {
			t.Fatalf("size %d without hint: %v", size, err)
		}
	}
}
