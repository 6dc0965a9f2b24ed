package files

import "bytes"

// SniffLen is how many leading bytes Sniff needs.
const SniffLen = 16

// Sniff names the content type of data from its magic number: PDF, JPEG,
// PNG or HEIC, "" for anything else. The declared type is never trusted:
// a browser's guess comes from the file name.
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	case bytes.HasPrefix(head, []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}):
		return TypePNG
	case len(head) >= 12 && string(head[4:8]) == "ftyp" && heicBrands[string(head[8:12])]:
		// ISO BMFF: a size, "ftyp", then the major brand.
		return TypeHEIC
	}
	return ""
}

// heicBrands are the ISO BMFF major brands of HEIF/HEIC stills and sequences.
var heicBrands = map[string]bool{
	"heic": true, "heix": true, "hevc": true, "hevx": true,
	"heim": true, "heis": true, "mif1": true, "msf1": true,
}
