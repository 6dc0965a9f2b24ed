package ingest

import (
	"fmt"

	"github.com/kabinet/kabinet/shared/domain/i18n"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

type text struct{ title, body string }

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
// included: the inbox may be read over a shoulder, and it feeds other
// channels. The agency is named in the reader's language, the Russian
// verb agreeing with its name («Госавтоинспекция выдала», «МВД России
// выдало»), the date as the reader writes it.
func issuedText(d registry.Document, agency string, replaced bool, lang string) text {
	name, issued := docName(d, lang), ""
	who, gender := i18n.AgencyName(agency, lang)
	if d.IssuedOn != nil {
		issued = i18n.Date(lang, *d.IssuedOn)
	}
	if lang == i18n.RU {
		body := fmt.Sprintf("%s %s документ «%s» (дата выдачи %s). Он добавлен в ваш реестр документов.",
			who, i18n.Verb(gender, "выдал", "выдала", "выдало"), name, issued)
		if replaced {
			body += " Прежний документ этого типа перенесён в архив."
		}
		return text{"Новый документ в кабинете", body}
	}
	body := fmt.Sprintf("%s issued your %s on %s. It has been added to your documents.", who, name, issued)
	if replaced {
		body += " The document it replaces has been moved to the archive."
	}
	return text{"A new document in your cabinet", body}
}

// revokedText tells the person a document was revoked, and why.
func revokedText(d registry.Document, agency, reason, lang string) text {
	name := docName(d, lang)
	who, gender := i18n.AgencyName(agency, lang)
	if lang == i18n.RU {
		return text{"Документ аннулирован",
			fmt.Sprintf("%s %s документ «%s». Причина: %s", who, i18n.Verb(gender, "аннулировал", "аннулировала", "аннулировало"), name, reason)}
	}
	return text{"Your document was revoked",
		fmt.Sprintf("%s revoked your %s. Reason: %s", who, name, reason)}
}
