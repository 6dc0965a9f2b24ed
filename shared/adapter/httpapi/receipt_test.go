package httpapi_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/verify"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/ingest"
)

// TestApplicationReceipt: the receipt of a submitted application is a PDF
// signed by Kabinet (PAdES, re-verified by pdfsign's verifier, as the
// booking confirmation is), in the reader's language, with the payment QR
// code drawn into it while the fee is owed (a decoder reads the image in
// the PDF back as the accrual's ГОСТ Р 56042 text) and without it once
// paid. A draft has none (409 not_submitted); another person's
// application is 404.
func TestApplicationReceipt(t *testing.T) {
	e := newEnv(t)
	alice := e.token("alice")
	id := e.mustDraft("alice", "drivers_licence_exchange", licenceFields())["id"].(string)
	path := "/applications/" + id + "/receipt.pdf"
	p := assertProblem(t, e.do(req{method: "GET", path: path, token: alice}), http.StatusConflict)
	if p["type"] != httpapi.ProblemBase+"not-submitted" {
		t.Errorf("a draft's receipt: %v, want not-submitted", p)
	}
	sub := e.mustSubmit("alice", id)
	fee := sub["fee"].(map[string]any)
	qrText := fee["qr"].(string)

	for _, c := range []struct {
		lang, title string
	}{
		{"ru", "Расписка о приёме заявления " + sub["receiptNumber"].(string)},
		{"en", "Application receipt " + sub["receiptNumber"].(string)},
	} {
		t.Run(c.lang, func(t *testing.T) {
			r := e.do(req{method: "GET", path: path, token: alice, header: map[string]string{"Accept-Language": c.lang}})
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("receipt: %d %s %.200s", r.status, r.header.Get("Content-Type"), r.body)
			}
			mustVerifyPDF(t, r.body)
			if got := pdfTitle(t, r.body); got != c.title {
				t.Errorf("PDF title %q, want %q", got, c.title)
			}
			imgs := pdfImagesAsPNG(t, r.body)
			if len(imgs) != 1 {
				t.Fatalf("%d images in the receipt, want the payment QR code", len(imgs))
			}
			if got := decodeQR(t, imgs[0]); got != qrText {
				t.Errorf("the QR code in the PDF reads %q, want the accrual's %q", got, qrText)
			}
		})
	}
	assertProblem(t, e.do(req{method: "GET", path: path, token: e.token("mallory")}), http.StatusNotFound)

	// paid in full: the receipt says so and carries no code to pay again
	cl, err := core.NewClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ing := app.Ingest(core.Config{Table: e.table}, cl, e.clock.Now, slog.New(slog.DiscardHandler))
	b, _ := json.Marshal(map[string]any{"uin": fee["uin"], "amount": fee["amount"], "paidAt": e.clock.Now().UTC().Format(time.RFC3339), "payer": "Иванов И. И."})
	if _, err := ing.Handle(context.Background(), ingest.Event{ID: "pay-receipt-1", Source: "gov.agency.treasury", DetailType: ingest.PaymentConfirmed,
		Time: e.clock.Now(), Detail: b}); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "GET", path: path, token: alice})
	if r.status != http.StatusOK {
		t.Fatalf("receipt after payment: %d %s", r.status, r.body)
	}
	mustVerifyPDF(t, r.body)
	if imgs := pdfImagesAsPNG(t, r.body); len(imgs) != 0 {
		t.Errorf("a paid application's receipt has %d images, want no payment QR code", len(imgs))
	}

	// a service without a fee: a receipt without a fee's part
	free := e.mustDraft("alice", "certificate_request", certificateFields())["id"].(string)
	e.mustSubmit("alice", free)
	r = e.do(req{method: "GET", path: "/applications/" + free + "/receipt.pdf", token: alice})
	if r.status != http.StatusOK {
		t.Fatalf("receipt without a fee: %d %s", r.status, r.body)
	}
	mustVerifyPDF(t, r.body)
	if imgs := pdfImagesAsPNG(t, r.body); len(imgs) != 0 {
		t.Errorf("a receipt without a fee has %d images", len(imgs))
	}
}

// mustVerifyPDF fails unless doc carries one valid PAdES signature by
// Kabinet's (self-signed, local) key.
func mustVerifyPDF(t *testing.T, doc []byte) {
	t.Helper()
	opts := verify.DefaultVerifyOptions()
	opts.AllowUntrustedRoots = true // the test key is self-signed
	opts.TrustSignatureTime = true
	res, err := verify.VerifyWithOptions(bytes.NewReader(doc), int64(len(doc)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Signers) != 1 || !res.Signers[0].ValidSignature {
		t.Fatalf("signatures: %+v, want one valid", res.Signers)
	}
	if c := res.Signers[0].Certificates; len(c) == 0 || c[0].Certificate.Subject.CommonName != "Kabinet (local development)" {
		t.Errorf("signed by %v, want Kabinet's key", c)
	}
}

// pdfTitle is the document information's title.
func pdfTitle(t *testing.T, doc []byte) string {
	t.Helper()
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	return rdr.Trailer().Key("Info").Key("Title").Text()
}

// fpdfImage matches an indexed-colour image XObject as go-pdf/fpdf writes
// one from a PNG: its IDAT data kept as they were (FlateDecode with the
// PNG predictors) and its palette in an object of its own.
var fpdfImage = regexp.MustCompile(`/Subtype /Image\n/Width (\d+)\n/Height (\d+)\n/ColorSpace \[/Indexed /DeviceRGB \d+ (\d+) 0 R\]\n` +
	`/BitsPerComponent (\d+)\n/Filter /FlateDecode\n/DecodeParms <<[^>]*>>\n/Length (\d+)>>\nstream\n`)

// pdfImagesAsPNG returns every indexed image of doc rebuilt as a PNG file
// (IHDR, its palette, its IDAT data as stored), which image/png decodes as
// a viewer would draw it.
func pdfImagesAsPNG(t *testing.T, doc []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, m := range fpdfImage.FindAllSubmatchIndex(doc, -1) {
		num := func(i int) int {
			n, _ := strconv.Atoi(string(doc[m[2*i]:m[2*i+1]]))
			return n
		}
		w, h, palObj, bpc, length := num(1), num(2), num(3), num(4), num(5)
		idat := doc[m[1] : m[1]+length]
		palette := pdfStream(t, doc, palObj)
		var png bytes.Buffer
		png.WriteString("\x89PNG\r\n\x1a\n")
		chunk := func(kind string, data []byte) {
			_ = binary.Write(&png, binary.BigEndian, uint32(len(data)))
			body := append([]byte(kind), data...)
			png.Write(body)
			_ = binary.Write(&png, binary.BigEndian, crc32.ChecksumIEEE(body))
		}
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
		binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
		ihdr[8], ihdr[9] = byte(bpc), 3 // indexed colour
		chunk("IHDR", ihdr)
		chunk("PLTE", palette)
		chunk("IDAT", idat)
		chunk("IEND", nil)
		out = append(out, png.Bytes())
	}
	return out
}

// pdfStream is the inflated stream of object n of doc.
func pdfStream(t *testing.T, doc []byte, n int) []byte {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + strconv.Itoa(n) + ` 0 obj\n<</Filter /FlateDecode /Length (\d+)>>\nstream\n`).FindSubmatchIndex(doc)
	if m == nil {
		t.Fatalf("no stream object %d in the PDF", n)
	}
	length, _ := strconv.Atoi(string(doc[m[2]:m[3]]))
	zr, err := zlib.NewReader(bytes.NewReader(doc[m[1] : m[1]+length]))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
