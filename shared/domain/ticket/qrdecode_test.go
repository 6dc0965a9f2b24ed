package ticket

// A small QR decoder for the tests, written from ISO/IEC 18004 and sharing
// nothing with the encoder, so a round trip through QRPNG proves the image
// carries the payload. It reads what QRPNG makes — an undamaged,
// axis-aligned symbol of version 1 to 10 at error correction level M — and
// does no error correction: a perfect image needs none, and a mismatch is a
// failure we want to see. qr_gozxing_test.go does the same with a real
// scanner library.

import (
	"fmt"
	"image"
	"strings"
)

// qrGrid samples the symbol in img: dark modules are true, quiet zone
// excluded. The module size is measured on the top-left finder pattern,
// which is seven modules wide.
func qrGrid(img image.Image) ([][]bool, error) {
	b := img.Bounds()
	dark := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r+g+bl < 3*0x8000
	}
	minX, minY, maxX, maxY := b.Max.X, b.Max.Y, -1, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if dark(x, y) {
				minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			}
		}
	}
	if maxX < 0 {
		return nil, fmt.Errorf("no dark pixels")
	}
	run := 0
	for x := minX; x <= maxX && dark(x, minY); x++ {
		run++
	}
	if run%7 != 0 {
		return nil, fmt.Errorf("finder run %d px is not 7 modules", run)
	}
	px := run / 7
	w, h := maxX-minX+1, maxY-minY+1
	if w != h || w%px != 0 {
		return nil, fmt.Errorf("symbol %dx%d px with %d px modules", w, h, px)
	}
	n := w / px
	grid := make([][]bool, n)
	for r := range grid {
		grid[r] = make([]bool, n)
		for c := range grid[r] {
			grid[r][c] = dark(minX+c*px+px/2, minY+r*px+px/2)
		}
	}
	return grid, nil
}

// qrM describes level M for versions 1–10: error correction codewords per
// block and the two block groups (count, data codewords per block).
var qrM = [...]struct{ ec, b1, d1, b2, d2 int }{
	1: {10, 1, 16, 0, 0}, 2: {16, 1, 28, 0, 0}, 3: {26, 1, 44, 0, 0}, 4: {18, 2, 32, 0, 0},
	5: {24, 2, 43, 0, 0}, 6: {16, 4, 27, 0, 0}, 7: {18, 4, 31, 0, 0}, 8: {22, 2, 38, 2, 39},
	9: {22, 3, 36, 2, 37}, 10: {26, 4, 43, 1, 44},
}

// qrAlign holds the alignment pattern centres per version.
var qrAlign = [...][]int{
	2: {6, 18}, 3: {6, 22}, 4: {6, 26}, 5: {6, 30}, 6: {6, 34},
	7: {6, 22, 38}, 8: {6, 24, 42}, 9: {6, 26, 46}, 10: {6, 28, 50},
}

// decodeQR reads the text of a sampled symbol. It also returns the error
// correction level it found ("L", "M", "Q" or "H").
func decodeQR(g [][]bool) (string, string, error) {
	n := len(g)
	v := (n - 17) / 4
	if n < 21 || (n-17)%4 != 0 || v > 10 {
		return "", "", fmt.Errorf("unsupported symbol size %d", n)
	}
	// Format information next to the top-left finder, masked with 0x5412.
	var format int
	bit := func(r, c int) {
		format <<= 1
		if g[r][c] {
			format |= 1
		}
	}
	for c := 0; c <= 5; c++ {
		bit(8, c)
	}
	bit(8, 7)
	bit(8, 8)
	bit(7, 8)
	for r := 5; r >= 0; r-- {
		bit(r, 8)
	}
	format ^= 0x5412
	level := [...]string{"M", "L", "H", "Q"}[format>>13]
	if level != "M" {
		return "", level, fmt.Errorf("level %s: only M is supported", level)
	}
	maskID := (format >> 10) & 7
	mask := func(i, j int) bool {
		switch maskID {
		case 0:
			return (i+j)%2 == 0
		case 1:
			return i%2 == 0
		case 2:
			return j%3 == 0
		case 3:
			return (i+j)%3 == 0
		case 4:
			return (i/2+j/3)%2 == 0
		case 5:
			return (i*j)%2+(i*j)%3 == 0
		case 6:
			return ((i*j)%2+(i*j)%3)%2 == 0
		default:
			return ((i+j)%2+(i*j)%3)%2 == 0
		}
	}
	function := func(r, c int) bool {
		switch {
		case r < 9 && c < 9, r < 9 && c >= n-8, r >= n-8 && c < 9: // finders, separators, format
			return true
		case r == 6 || c == 6: // timing
			return true
		case v >= 7 && ((r < 6 && c >= n-11 && c < n-8) || (c < 6 && r >= n-11 && r < n-8)): // version
			return true
		}
		if v >= 2 {
			pos := qrAlign[v]
			last := pos[len(pos)-1]
			for _, ar := range pos {
				for _, ac := range pos {
					if (ar == 6 && ac == 6) || (ar == 6 && ac == last) || (ar == last && ac == 6) {
						continue
					}
					if r >= ar-2 && r <= ar+2 && c >= ac-2 && c <= ac+2 {
						return true
					}
				}
			}
		}
		return false
	}
	// Codewords in the two-column zigzag from the bottom-right corner.
	var bits []bool
	up := true
	for right := n - 1; right > 0; right -= 2 {
		if right == 6 {
			right--
		}
		for k := 0; k < n; k++ {
			r := k
			if up {
				r = n - 1 - k
			}
			for _, c := range []int{right, right - 1} {
				if !function(r, c) {
					bits = append(bits, g[r][c] != mask(r, c))
				}
			}
		}
		up = !up
	}
	cw := make([]byte, len(bits)/8)
	for i := range cw {
		for j := 0; j < 8; j++ {
			if bits[i*8+j] {
				cw[i] |= 0x80 >> j
			}
		}
	}
	// De-interleave the data codewords; error correction codewords follow.
	spec := qrM[v]
	var blocks [][]byte
	var sizes []int
	for i := 0; i < spec.b1; i++ {
		sizes = append(sizes, spec.d1)
	}
	for i := 0; i < spec.b2; i++ {
		sizes = append(sizes, spec.d2)
	}
	blocks = make([][]byte, len(sizes))
	k := 0
	for i := 0; i < max(spec.d1, spec.d2); i++ {
		for b, size := range sizes {
			if i < size {
				if k >= len(cw) {
					return "", level, fmt.Errorf("too few codewords")
				}
				blocks[b] = append(blocks[b], cw[k])
				k++
			}
		}
	}
	var data []byte
	for _, b := range blocks {
		data = append(data, b...)
	}
	return parseQRData(data, v, level)
}

// parseQRData reads numeric, alphanumeric and byte segments up to the
// terminator.
func parseQRData(data []byte, v int, level string) (string, string, error) {
	pos := 0
	read := func(n int) (int, bool) {
		if pos+n > len(data)*8 {
			return 0, false
		}
		x := 0
		for i := 0; i < n; i++ {
			x = x<<1 | int(data[(pos+i)/8]>>(7-(pos+i)%8)&1)
		}
		pos += n
		return x, true
	}
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
	var out strings.Builder
	for {
		mode, ok := read(4)
		if !ok || mode == 0 {
			return out.String(), level, nil
		}
		countBits := map[int]int{1: 10, 2: 9, 4: 8}[mode]
		if countBits == 0 {
			return "", level, fmt.Errorf("unsupported mode %04b", mode)
		}
		if v >= 10 {
			countBits = map[int]int{1: 12, 2: 11, 4: 16}[mode]
		}
		count, ok := read(countBits)
		if !ok {
			return "", level, fmt.Errorf("truncated count")
		}
		for count > 0 {
			switch mode {
			case 1: // numeric: three digits in 10 bits, two in 7, one in 4
				digits := min(count, 3)
				x, ok := read([]int{0, 4, 7, 10}[digits])
				if !ok {
					return "", level, fmt.Errorf("truncated numeric")
				}
				fmt.Fprintf(&out, "%0*d", digits, x)
				count -= digits
			case 2: // alphanumeric: two characters in 11 bits, one in 6
				if count >= 2 {
					x, ok := read(11)
					if !ok || x/45 >= 45 {
						return "", level, fmt.Errorf("bad alphanumeric")
					}
					out.WriteByte(alnum[x/45])
					out.WriteByte(alnum[x%45])
					count -= 2
				} else {
					x, ok := read(6)
					if !ok || x >= 45 {
						return "", level, fmt.Errorf("bad alphanumeric")
					}
					out.WriteByte(alnum[x])
					count--
				}
			case 4:
				x, ok := read(8)
				if !ok {
					return "", level, fmt.Errorf("truncated byte")
				}
				out.WriteByte(byte(x))
				count--
			}
		}
	}
}
