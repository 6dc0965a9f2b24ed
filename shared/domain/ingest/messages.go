package ingest

import (
	"fmt"
	"strings"

	"github.com/kabinet/kabinet/shared/domain/registry"
)

type text struct{ title, body string }

// agencyNames are the agencies' short names in Russian; others show their
// code in capitals.
var agencyNames = map[string]string{
	"mvd": "МВД", "fns": "ФНС", "sfr": "СФР", "pfr": "СФР", "gibdd": "Госавтоинспекция", "foms": "ФОМС", "minzdrav": "Минздрав",
}

func agencyName(code, lang string) string {
	if n, ok := agencyNames[code]; ok && lang == "ru" {
		return n
	}
	return strings.ToUpper(code)
}

func docName(d registry.Document, lang string) string {
	if d.Title != "" {
		return d.Title
	}
	ti, _ := registry.Lookup(d.Type)
	if n := ti.Title[lang]; n != "" {
		return n
	}
	return ti.Title["en"]
}

// issuedText tells the person a document arrived. Numbers are never
// included: the inbox may be read over a shoulder, and it feeds other channels.
func issuedText(d registry.Document, agency string, replaced bool, lang string) text {
	name, issued := docName(d, lang), ""
	if d.IssuedOn != nil {
		issued = d.IssuedOn.String()
	}
	if lang == "ru" {
		body := fmt.Sprintf("%s выдало документ «%s» (дата выдачи %s). Он добавлен в ваш реестр документов.", agencyName(agency, lang), name, issued)
		if replaced {
			body += " Прежний документ этого типа перенесён в архив."
		}
		return text{"Новый документ в кабинете", body}
	}
	body := fmt.Sprintf("%s issued your %s on %s. It has been added to your documents.", agencyName(agency, lang), name, issued)
	if replaced {
		body += " The document it replaces has been moved to the archive."
	}
	return text{"A new document in your cabinet", body}
}

// revokedText tells the person a document was revoked, and why.
func revokedText(d registry.Document, agency, reason, lang string) text {
	name := docName(d, lang)
	if lang == "ru" {
		return text{"Документ аннулирован",
			fmt.Sprintf("%s аннулировало документ «%s». Причина: %s", agencyName(agency, lang), name, reason)}
	}
	return text{"Your document was revoked",
		fmt.Sprintf("%s revoked your %s. Reason: %s", agencyName(agency, lang), name, reason)}
}
