package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// ProblemBase prefixes every problem type URI; the slug after it is stable.
const ProblemBase = "https://kabinet.dev/problems/"

// RetryAfterSeconds is what a 503 asks clients to wait.
const RetryAfterSeconds = 2

// Transport kinds: failures only HTTP decoding and routing have, which the
// domain never decides. They sit in errs' adapter range so that errs.E,
// errs.KindOf and the problems table below treat them like any other kind.
const (
	KindTooLarge         = errs.AdapterKinds + iota // the body is over MaxBody (413)
	KindUnsupportedMedia                            // the body is not JSON (415)
	KindMethodNotAllowed                            // the path exists, the method does not (405)
	KindNotImplemented                              // the route exists but is not built here (501)
)

// Reasons the HTTP adapter decides (errs.Reason).
const (
	// ReasonRouteNotFound (NotFound): no route has this path.
	ReasonRouteNotFound errs.Reason = "route_not_found"
	// ReasonInvalidToken (Unauthorized): the bearer token is missing, expired or invalid.
	ReasonInvalidToken errs.Reason = "invalid_token"
)

type kindInfo struct {
	status int
	slug   string
	en, ru string
}

// problems is the one table from an error kind to what a client sees.
var problems = map[errs.Kind]kindInfo{
	errs.Invalid:              {http.StatusUnprocessableEntity, "validation", "The request breaks a rule", "Запрос нарушает правила"},
	errs.Malformed:            {http.StatusBadRequest, "malformed-request", "The request cannot be read", "Запрос не удаётся прочитать"},
	KindTooLarge:              {http.StatusRequestEntityTooLarge, "body-too-large", "The request body is too large", "Тело запроса слишком большое"},
	KindUnsupportedMedia:      {http.StatusUnsupportedMediaType, "unsupported-media-type", "The request body must be JSON", "Тело запроса должно быть в формате JSON"},
	errs.Unauthorized:         {http.StatusUnauthorized, "unauthorized", "Sign-in required", "Требуется вход"},
	errs.Forbidden:            {http.StatusForbidden, "forbidden", "Not allowed", "Действие запрещено"},
	errs.NotFound:             {http.StatusNotFound, "not-found", "Not found", "Не найдено"},
	errs.Conflict:             {http.StatusConflict, "conflict", "The object's state does not allow this", "Состояние объекта не позволяет это действие"},
	errs.Precondition:         {http.StatusPreconditionFailed, "precondition-failed", "The object has changed since you read it", "Объект изменился с момента чтения"},
	errs.PreconditionRequired: {http.StatusPreconditionRequired, "precondition-required", "An If-Match header is required", "Требуется заголовок If-Match"},
	errs.Unavailable:          {http.StatusServiceUnavailable, "unavailable", "Temporarily unavailable, try again shortly", "Сервис временно недоступен, повторите попытку позже"},
	KindMethodNotAllowed:      {http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed", "Метод не поддерживается"},
	KindNotImplemented:        {http.StatusNotImplemented, "not-implemented", "Not implemented yet", "Пока не реализовано"},
	errs.Internal:             {http.StatusInternalServerError, "internal", "Internal error", "Внутренняя ошибка"},
}

// reasons refine a kind's problem for a specific cause: the type URI is
// ProblemBase + the reason with dashes, the title the one given here. Every
// reason some package declares is either here or in internalReasons
// (TestReasonsHaveProblems). A domain's reasons are keyed by their value
// (the problem type's wire name) with their constant beside them, not by the
// constant itself: this table is part of every HTTP function, and naming
// booking.ReasonSlotTaken here would link every domain, and the ticket PDF
// and QR libraries, into each one; the test holds values and constants
// together.
var reasons = map[errs.Reason][2]string{
	errs.ReasonVersionMismatch:      {"The object has changed since you read it", "Объект изменился с момента чтения"},
	"already_archived":              {"The document is already archived", "Документ уже в архиве"},                                                                      // registry.ReasonAlreadyArchived
	"not_archived":                  {"The document is not archived", "Документ не в архиве"},                                                                           // registry.ReasonNotArchived
	"archived":                      {"An archived document cannot be changed; unarchive it first", "Документ в архиве нельзя изменить; сначала верните его из архива"}, // registry.ReasonArchived
	errs.ReasonIdempotencyKeyReused: {"This Idempotency-Key was used for a different request", "Этот Idempotency-Key уже использован для другого запроса"},
	ReasonRouteNotFound:             {"No such route", "Такого адреса нет"},
	ReasonInvalidToken:              {"The token is missing, expired or invalid", "Токен отсутствует, просрочен или недействителен"},
	"slot_taken":                    {"This slot has just been taken; refresh the free slots", "Это время только что заняли; обновите список свободных слотов"},                                               // booking.ReasonSlotTaken
	"day_full":                      {"The specialist has no more appointments that day", "У специалиста больше нет приёма в этот день"},                                                                      // booking.ReasonDayFull
	"one_per_day":                   {"You already have an appointment with this specialist that day", "У вас уже есть запись к этому специалисту на этот день"},                                              // booking.ReasonOnePerDay
	"overlapping_booking":           {"You already have an appointment at an overlapping time", "У вас уже есть запись на пересекающееся время"},                                                              // booking.ReasonOverlapping
	"absence_overlaps":              {"The specialist already has an absence overlapping this one", "У специалиста уже есть отсутствие, пересекающееся с этим"},                                               // booking.ReasonAbsenceOverlaps
	"not_rebookable":                {"Only an appointment the institution cancelled can be rebooked this way", "Так можно перезаписаться только на приём, отменённый учреждением"},                           // booking.ReasonNotRebookable
	"referral_used":                 {"This referral has just been used for another appointment", "По этому направлению только что записались на другой приём"},                                               // booking.ReasonReferralUsed
	"too_many_waits":                {"You are on the maximum number of waiting lists", "Вы уже в максимальном числе листов ожидания"},                                                                        // booking.ReasonTooManyWaits
	"too_many_bookings":             {"You hold the maximum number of upcoming appointments", "У вас максимальное число предстоящих записей"},                                                                 // booking.ReasonTooManyBookings
	"daily_limit":                   {"You have reached today's limit of actions that send you an SMS; try again tomorrow", "Достигнут дневной лимит действий, после которых приходит SMS; повторите завтра"}, // dailycap.ReasonDailyLimit
	"deadline_passed":               {"It is too late to change this appointment", "Изменить эту запись уже нельзя"},                                                                                          // booking.ReasonDeadlinePassed
	"not_active":                    {"This appointment is no longer active", "Эта запись больше не активна"},                                                                                                 // booking.ReasonNotActive
	"not_started":                   {"The appointment has not started yet", "Приём ещё не начался"},                                                                                                          // booking.ReasonNotStarted
	errs.ReasonStaffOnly:            {"Only staff may do this", "Это доступно только сотрудникам"},
	errs.ReasonOtherInstitution:     {"This belongs to another institution", "Это относится к другому учреждению"},
	errs.ReasonChanged:              {"The object changed meanwhile; reload and try again", "Объект изменился; обновите и повторите"},
	"not_renewable":                 {"This document cannot be renewed through an application here", "Этот документ нельзя продлить заявлением здесь"},                                                                                                  // applications.ReasonNotRenewable
	"nothing_to_ack":                {"No reminder is waiting to be acknowledged", "Нет напоминания, которое нужно подтвердить"},                                                                                                                        // registry.ReasonNothingToAck
	"nothing_due":                   {"No reminder is scheduled for this document", "Для этого документа нет запланированных напоминаний"},                                                                                                              // registry.ReasonNothingDue
	"invalid_transition":            {"The application's status does not allow this change", "Статус заявления не допускает этого перехода"},                                                                                                            // applications.ReasonInvalidTransition
	"not_draft":                     {"Only a draft can be changed or deleted; withdraw a submitted application instead", "Изменить или удалить можно только черновик; поданное заявление можно отозвать"},                                              // applications.ReasonNotDraft
	"applicant_only":                {"Only the applicant may do this", "Это может сделать только заявитель"},                                                                                                                                           // applications.ReasonApplicantOnly
	"too_many_documents":            {"You hold the maximum number of active documents (200); archive or delete one first", "У вас максимальное число действующих документов (200); сначала переместите какой-нибудь в архив или удалите"},              // registry.ReasonTooManyDocuments
	"too_many_applications":         {"You have the maximum number of open applications (50)", "У вас максимальное число открытых заявлений (50)"},                                                                                                      // applications.ReasonTooManyApplications
	"not_submitted":                 {"A draft has no receipt; submit the application first", "У черновика нет расписки; сначала подайте заявление"},                                                                                                    // applications.ReasonNotSubmitted
	"too_many_dependents":           {"You have added the maximum number of people (20)", "Добавлено максимальное число людей (20)"},                                                                                                                    // family.ReasonTooManyDependents
	"dependent_in_use":              {"Documents still belong to this person; delete them first", "У этого человека остались документы; сначала удалите их"},                                                                                            // family.ReasonDependentInUse
	"age_not_accepted":              {"This specialist does not see patients of this age", "Этот специалист не принимает пациентов такого возраста"},                                                                                                    // booking.ReasonAgeNotAccepted
	"no_handover":                   {"This person's documents are not waiting to be handed over (not yet 18, handed over or archived)", "Документы этого человека не ждут передачи (ему ещё нет 18, они уже переданы или в архиве)"},                   // family.ReasonNoHandover
	"handover_birth_date_required":  {"Fill in your birth date in the profile: the hand-over checks it against the documents' owner", "Укажите дату рождения в профиле: передача документов сверяет её с данными их владельца"},                         // family.ReasonHandoverBirthDateRequired
	"handover_not_the_person":       {"This account is not the person the documents were kept for (birth date or SNILS differ)", "Эта учётная запись не принадлежит человеку, для которого хранились документы (не совпадают дата рождения или СНИЛС)"}, // family.ReasonHandoverNotThePerson
	errs.ReasonErasing:              {"This account is being erased, or was: nothing in it can be changed", "Эта учётная запись удаляется или уже удалена: в ней ничего нельзя изменить"},
	"dependent_not_active":          {"You no longer act for this person (grown up, or the power of attorney has ended)", "Вы больше не действуете за этого человека (он вырос или срок доверенности истёк)"},                                                // family.ReasonDependentNotActive
	"contact_verified":              {"This contact is confirmed already", "Этот контакт уже подтверждён"},                                                                                                                                                   // registry.ReasonContactVerified
	"code_limit":                    {"Too many codes were sent to this contact or for your account in the last hour; ask again later", "За последний час на этот контакт или для вашей учётной записи отправлено слишком много кодов; запросите код позже"}, // registry.ReasonCodeLimit
	"contact_sharers_full":          {"This contact is shared by as many people as it may be; its owner can remove someone", "Этим контактом пользуется максимальное число людей; владелец контакта может кого-то удалить"},                                  // registry.ReasonContactSharersFull
	"consent_exists":                {"You already consent to this organisation; withdraw that consent to change it", "Вы уже дали согласие этой организации; отзовите его, чтобы изменить"},                                                                 // orgs.ReasonConsentExists
	"too_many_consents":             {"You have given the maximum number of consents", "Вы дали максимальное число согласий"},                                                                                                                                // orgs.ReasonTooManyConsents
	"org_admin_only":                {"Only an organisation's administrators may do this", "Это доступно только администраторам организации"},                                                                                                                // orgs.ReasonOrgAdminOnly
	"other_organization":            {"This belongs to another organisation", "Это относится к другой организации"},                                                                                                                                          // orgs.ReasonOtherOrganization
	"document_not_found":            {"No such document in the person's registry", "Такого документа нет в реестре"},                                                                                                                                         // ingest.ReasonDocumentNotFound
	"bad_uin":                       {"This is not a valid UIN (unique accrual identifier)", "Это не УИН: неверная длина или контрольный разряд"},                                                                                                            // fees.ReasonBadUIN
	"lead_only":                     {"Only a lead clerk of the agency may do this", "Это может сделать только старший специалист ведомства"},                                                                                                                // applications.ReasonLeadOnly
	"response_overdue":              {"The time to answer the request for information has ended", "Срок ответа на запрос дополнительных сведений истёк"},                                                                                                     // applications.ReasonResponseOverdue
	"too_many_files":                {"This document holds the maximum number of files", "К документу прикреплено максимальное число файлов"},                                                                                                                // files.ReasonTooManyFiles
	"quota_exceeded":                {"Your files would exceed your storage quota; delete some first", "Файлы превысят вашу квоту хранения; сначала удалите ненужные"},                                                                                       // files.ReasonQuotaExceeded
	"already_completed":             {"This upload is already complete", "Эта загрузка уже завершена"},                                                                                                                                                       // files.ReasonAlreadyCompleted
	"not_uploaded":                  {"The file has not arrived yet; upload it, then complete", "Файл ещё не загружен; загрузите его и завершите"},                                                                                                           // files.ReasonNotUploaded
	"upload_expired":                {"The upload link expired before the file arrived; start again", "Ссылка для загрузки истекла до загрузки файла; начните заново"},                                                                                       // files.ReasonUploadExpired
	"file_not_downloadable":         {"This file is not available: not yet checked, or blocked", "Файл недоступен: ещё не проверен или заблокирован"},                                                                                                        // files.ReasonNotDownloadable
	"too_many_signatures":           {"This file holds the maximum number of signatures", "К файлу добавлено максимальное число подписей"},                                                                                                                   // files.ReasonTooManySigs
	"file_refused":                  {"The file that arrived is not the one declared; it was deleted", "Загруженный файл не совпал с заявленным и удалён"},                                                                                                   // files.ReasonRefused
	"share_ended":                   {"This share was revoked or has expired", "Доступ к документу отозван или истёк"},                                                                                                                                       // sharing.ReasonShareEnded
	"manager_only":                  {"Only a manager of this agency, institution or organisation may see its figures", "Эти показатели доступны только руководителю этого ведомства, учреждения или организации"},                                           // stats.ReasonManagerOnly
}

// internalReasons never refine a problem (keyed by value, as reasons): they steer their caller (a
// retry with another place or number, a translation into another reason)
// or name a fault of the server's own set-up, and a client that meets one
// sees only its kind's problem.
var internalReasons = map[errs.Reason]bool{
	"place_taken":        true, // booking.ReasonPlaceTaken
	"person_changed":     true, // booking.ReasonPersonChanged
	"contended":          true, // errs.ReasonContended
	"confirmation_taken": true, // booking.ReasonConfirmationTaken
	"same_wait":          true, // booking.ReasonSameWait
	"bad_key":            true, // ticket.ReasonBadKey
	"record_applied":     true, // statsstore.reasonApplied: a stream record applied before, left out of its chunk
	"hold_gone":          true, // bookingstore.reasonHoldGone: an ended entry's hold is no longer its own, the end written without its release
	"malformed_payload":  true, // ticket.ReasonMalformedPayload
	"bad_signature":      true, // ticket.ReasonBadSignature
	"empty_payload":      true, // qrpng.ReasonEmptyPayload
	"qr_too_large":       true, // qrpng.ReasonQRTooLarge
	"bad_seed":           true, // ticket.ReasonBadSeed
	"bad_key_ring":       true, // ticket.ReasonBadKeyRing
	"unknown_key":        true, // ticket.ReasonUnknownKey
	"no_calendar":        true, // workdays.ReasonNoCalendar
	"assign_race":        true, // applications.ReasonAssignRace
	// A scan verdict about an object that is no file's: the event handler
	// logs it, no client sends one.
	"not_a_file_key": true, // files.ReasonNotAFileKey
}

// fieldMessages explain field error codes to people.
var fieldMessages = map[string][2]string{
	"required":                      {"is required", "обязательное поле"},
	"confirmation_required":         {"must be \"DELETE\", word for word", "должно быть «DELETE», слово в слово"},
	"unknown_field":                 {"is not a field of this request", "такого поля нет в запросе"},
	"wrong_type":                    {"has the wrong type", "неверный тип значения"},
	"invalid_date":                  {"must be a calendar date YYYY-MM-DD", "должна быть датой в формате ГГГГ-ММ-ДД"},
	"in_future":                     {"cannot be in the future", "не может быть в будущем"},
	"before_issued":                 {"cannot be before the issue date", "не может быть раньше даты выдачи"},
	"unknown_type":                  {"is not a known document type", "неизвестный тип документа"},
	"unknown_status":                {"is not a known status", "неизвестный статус"},
	"invalid_text":                  {"is too long or has control, formatting or direction characters", "слишком длинное или содержит управляющие, форматирующие символы или символы направления текста"},
	"invalid_utf8":                  {"is not valid UTF-8", "не в кодировке UTF-8"},
	"not_issued_by_agency":          {"is not a document type this agency issues", "этот тип документов ведомство не выдаёт"},
	"invalid_number":                {"is not a valid number for this document type", "неверный номер для этого типа документа"},
	"too_many":                      {"has too many values", "слишком много значений"},
	"out_of_range":                  {"is out of range", "вне допустимого диапазона"},
	"duplicate":                     {"has duplicate values", "содержит повторы"},
	"required_for_rule":             {"is needed to compute the expiry date; give it or give expiresOn", "нужна для расчёта срока действия; укажите её или дату окончания срока"},
	"birth_date_required":           {"cannot be computed without your birth date in the profile; add it or give expiresOn", "не рассчитать без даты рождения в профиле; добавьте её или укажите дату окончания срока"},
	"invalid_time_zone":             {"must be an IANA time zone such as Europe/Moscow", "неизвестный часовой пояс; выберите его из списка"},
	"unsupported_language":          {"must be ru or en", "язык должен быть русским или английским"},
	"invalid_email":                 {"is not a valid e-mail address", "неверный адрес электронной почты"},
	"no_contact":                    {"has no contact in the profile", "в профиле нет такого контакта"},
	"handover_code_invalid":         {"is not a valid hand-over code (wrong, expired, replaced by a newer one or used)", "не является действующим кодом передачи (неверный, истёк, заменён новым или уже использован)"},
	"invalid_code":                  {"must be the 6 digits of the code", "должен состоять из 6 цифр"},
	"wrong_code":                    {"is not the code that was sent", "не совпадает с отправленным кодом"},
	"code_expired":                  {"has expired; ask for a new one", "истёк; запросите новый"},
	"too_many_attempts":             {"was entered wrongly too many times; ask for a new one", "введён неверно слишком много раз; запросите новый"},
	"no_code":                       {"was not sent to this contact; ask for one", "на этот контакт не отправлялся; запросите код"},
	"invalid_phone":                 {"must be a phone number such as +79161234567 (or 89161234567)", "должен быть номером телефона, например +79161234567 или 89161234567"},
	"invalid_cursor":                {"is not a cursor this API issued", "неверный курсор"},
	"invalid_json":                  {"is not valid JSON", "данные не в формате JSON"},
	"invalid_header":                {"is not a valid value", "недопустимое значение"},
	"not_integer":                   {"must be an integer", "должно быть целым числом"},
	"not_supported":                 {"cannot be given yet", "пока нельзя указать"},
	"not_positive":                  {"must be greater than zero", "должно быть больше нуля"},
	"bad_uin":                       {"is not a valid UIN (20 or 25 digits with the control digit)", "не УИН: 20 или 25 цифр с контрольным разрядом"},
	"not_of_agency":                 {"is not a clerk of this agency", "не специалист этого ведомства"},
	"unknown_institution":           {"is not an institution of the electronic registry", "такого учреждения нет в электронной регистратуре"},
	"unknown_specialist":            {"is not a specialist of the electronic registry", "такого специалиста нет в электронной регистратуре"},
	"unknown_specialization":        {"is not a specialization of this institution", "в этом учреждении нет специалистов такого профиля"},
	"other_institution":             {"is not the institution of that specialist", "специалист работает в другом учреждении"},
	"not_boolean":                   {"must be true or false", "должно быть логическим значением (да или нет)"},
	"invalid_time":                  {"must be a date YYYY-MM-DD or an RFC 3339 time", "должно быть датой ГГГГ-ММ-ДД или моментом времени с часовым поясом"},
	"in_past":                       {"must be in the future", "должно быть в будущем"},
	"after_expiry":                  {"cannot be after the expiry date", "не может быть позже даты окончания срока действия"},
	"before_today":                  {"cannot be before today", "не может быть раньше сегодняшнего дня"},
	"not_for_no_show":               {"is only for a visit that took place", "указывается только для состоявшегося приёма"},
	"unknown_referral":              {"is not a referral of yours", "у вас нет такого направления"},
	"referral_used":                 {"has been used for another appointment already", "по этому направлению уже записались"},
	"referral_other_patient":        {"was written for another person", "выписано на другого человека"},
	"referral_expired":              {"is no longer valid on the day of this slot", "в день этого приёма направление уже не действует"},
	"referral_other_specialization": {"is a referral to another specialization", "это направление к специалисту другого профиля"},
	"too_far":                       {"is too far ahead", "слишком далеко в будущем"},
	"unknown_slot":                  {"is not a slot of this registry", "нет такого слота"},
	"unknown_mode":                  {"must be in_person or video", "должен быть очным приёмом или видеоконсультацией"},
	"mode_not_offered":              {"is not offered by this specialist", "этот специалист так не принимает"},
	"other_specialist":              {"belongs to another specialist", "относится к другому специалисту"},
	"other_specialization":          {"is not a slot of the same specialization at the same institution", "не относится к специалистам того же профиля в этом учреждении"},
	"same_slot":                     {"is the slot already booked", "это уже ваше время"},
	"before_from":                   {"cannot be before from", "не может быть раньше начала периода"},
	"range_too_long":                {"makes the range longer than 31 days", "делает диапазон длиннее 31 дня"},
	"range_over_year":               {"makes the range longer than 366 days", "делает диапазон длиннее 366 дней"},
	"unknown_part_of_day":           {"must be morning, afternoon or evening", "должно быть утром, днём или вечером"},
	"invalid_point":                 {"must be <lat>,<lon>", "должно быть <широта>,<долгота>"},
	"not_number":                    {"must be a number", "должно быть числом"},
	"invalid_inn":                   {"is not a valid INN", "неверный ИНН"},
	"invalid_hours":                 {"must be HH:MM to HH:MM with the start first", "должно быть ЧЧ:ММ–ЧЧ:ММ, начало раньше конца"},
	"outside_hours":                 {"falls outside working hours", "выходит за рабочие часы"},
	"overlapping":                   {"overlap", "пересекаются"},
	"unknown_weekday":               {"is not a weekday name", "неизвестный день недели"},
	"unknown_outcome":               {"must be completed or no_show", "должно быть «приём состоялся» или «неявка»"},
	"too_long":                      {"is too long", "слишком длинное"},
	"unsupported":                   {"is not supported", "не поддерживается"},
	"unknown_service":               {"is not a service that takes applications", "нет такой услуги"},
	"unknown_option":                {"is not one of the field's options", "нет такого варианта"},
	"invalid_snils":                 {"is not a valid SNILS (11 digits with the control number)", "неверный СНИЛС (11 цифр с контрольным числом)"},
	"invalid_ogrn":                  {"is not a valid OGRN (13 digits with the check digit)", "неверный ОГРН (13 цифр с контрольной цифрой)"},
	"invalid_ogrnip":                {"is not a valid OGRNIP (15 digits with the check digit)", "неверный ОГРНИП (15 цифр с контрольной цифрой)"},
	"invalid_birth_certificate":     {"is not a valid birth certificate series and number (a Roman numeral, two letters, six digits)", "неверные серия и номер свидетельства о рождении (например, IV-МЮ 123456)"},
	"invalid_passport":              {"is not a valid passport series and number", "неверные серия и номер паспорта"},
	"invalid_licence":               {"is not a valid driver's licence number", "неверный номер водительского удостоверения"},
	"invalid_oms":                   {"must be the 16-digit OMS policy number", "должен быть 16-значным номером полиса ОМС"},
	"invalid_postal_code":           {"must be a 6-digit postal code", "должен быть почтовым индексом из 6 цифр"},
	"unknown_detail_type":           {"must be DocumentIssued, DocumentRevoked, PaymentConfirmed or LabResultIssued", "должен быть выдачей или аннулированием документа, подтверждением оплаты либо результатом анализов"},
	"unknown_source":                {"must be gov.agency.<agency> (gov.lab.<lab> for a lab result)", "должен называть ведомство или лабораторию — источник события"},
	"source_mismatch":               {"must be the agency the event's source names", "должно совпадать с ведомством — источником события"},
	"unknown_variant":               {"is not a kind of this document type", "нет такого вида у этого документа"},
	"variant_required":              {"is needed to compute the expiry date (the document's kind); give it or the expiry date", "нужен для расчёта срока действия (вид документа); укажите его или дату окончания срока"},
	"not_for_type":                  {"does not apply to this document type", "не относится к этому типу документа"},
	"before_birth":                  {"cannot be before the holder's birth date", "не может быть раньше даты рождения владельца"},
	"not_a_minor":                   {"must make the child younger than 18; add an adult as a ward with a power of attorney", "ребёнку должно быть меньше 18 лет; взрослого добавьте как подопечного по доверенности"},
	"unknown_subject":               {"is not a person you act for", "не человек, за которого вы действуете"},
	"unknown_patient":               {"is not you or a person you act for", "не вы и не человек, за которого вы действуете"},
	"not_for_dependents":            {"this service is filed only for yourself", "эту услугу можно заказать только для себя"},

	// Files and sharing (shared/domain/files, sharing).
	"invalid_name":               {"must be a file name without slashes or control characters", "должно быть именем файла без косых черт и управляющих символов"},
	"unsupported_type":           {"must be a PDF, JPEG, PNG or HEIC file", "должен быть файлом PDF, JPEG, PNG или HEIC"},
	"too_large":                  {"is over the limit", "превышает допустимый размер"},
	"invalid_sha256":             {"must be a SHA-256 digest in 64 hexadecimal digits", "должно быть хешем SHA-256 из 64 шестнадцатеричных цифр"},
	"size_mismatch":              {"differs from the size of the file that arrived", "не совпадает с размером загруженного файла"},
	"type_mismatch":              {"differs from the type of the file that arrived", "не совпадает с типом загруженного файла"},
	"sha256_mismatch":            {"differs from the SHA-256 of the file that arrived", "не совпадает с SHA-256 загруженного файла"},
	"longer_than_90_days":        {"must be at most 90 days from now", "должно быть не позже чем через 90 дней"},
	"not_found":                  {"does not exist", "не существует"},
	"not_ready":                  {"is not ready: upload and complete it first (or it is still being scanned, or infected)", "ещё не готов: загрузите и завершите загрузку (или идёт проверка антивирусом, или найден вирус)"},
	"not_at_institution":         {"does not work at this institution", "не работает в этом учреждении"},
	"outside_lab_prefix":         {"must be an object under the laboratory's own staging prefix", "должен быть объектом в промежуточной папке самой лаборатории"},
	"invalid_signature_encoding": {"must be a base64 detached signature of at most 64 KB", "должна быть отсоединённой подписью в base64 не больше 64 КБ"},
	"unknown_laboratory":         {"is not a laboratory Kabinet takes lab results from", "не входит в число лабораторий, от которых принимаются результаты анализов"},
	// The local runner's POST /dev/events (cmd/local).
	"no_event_rule": {"matches no rule of the function table: in AWS the event would reach no function", "не подходит ни под одно правило таблицы функций: в облаке событие не дошло бы ни до одной функции"},
}

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"requestId,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one refused field.
type ProblemField struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// problemFor builds the problem a client sees for err, in lang.
func problemFor(err error, lang string) Problem {
	kind := errs.KindOf(err)
	ki, ok := problems[kind]
	if !ok {
		ki = problems[errs.Internal]
	}
	p := Problem{Type: ProblemBase + ki.slug, Title: Pick(lang, ki.en, ki.ru), Status: ki.status}
	var e *errs.Error
	if errors.As(err, &e) && kind != errs.Internal {
		if t, ok := reasons[e.Reason]; ok {
			p.Type = ProblemBase + strings.ReplaceAll(string(e.Reason), "_", "-")
			p.Title = Pick(lang, t[0], t[1])
		}
		for _, f := range e.Fields {
			m := fieldMessages[f.Code]
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Code: f.Code, Message: Pick(lang, m[0], m[1])})
		}
	}
	return p
}

// kindName names k in logs: errs names its own kinds, the transport kinds
// go by their problem slug.
func kindName(k errs.Kind) string {
	if ki, ok := problems[k]; ok && k >= errs.AdapterKinds {
		return ki.slug
	}
	return k.String()
}

// Pick is en, or ru when lang is "ru" and there is a Russian text.
func Pick(lang, en, ru string) string {
	if lang == "ru" && ru != "" {
		return ru
	}
	return en
}

// FieldMessage explains field error code to people, in lang.
func FieldMessage(code, lang string) string {
	m := fieldMessages[code]
	return Pick(lang, m[0], m[1])
}

// writeError answers with err as problem+json. Internal errors are logged
// with the request id and reach the client only as "internal error".
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFor(err, Language(r))
	p.Instance = r.URL.Path
	p.RequestID = RequestID(r.Context())
	k := errs.KindOf(err)
	noteErrorKind(r.Context(), kindName(k))
	switch {
	case k == errs.Internal:
		Logger(r.Context()).Error("request failed", "kind", kindName(k), "err", err.Error())
	case k == errs.Unavailable:
		Logger(r.Context()).Warn("dependency unavailable", "err", err.Error())
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	default:
		Logger(r.Context()).Debug("request refused", "kind", kindName(k))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", Language(r))
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// ProblemJSON renders err as a problem+json body in lang, for a door that
// must answer before any handler runs (an API Gateway event the adapter
// cannot turn into a request).
func ProblemJSON(err error, lang, instance string) (status int, body []byte) {
	p := problemFor(err, lang)
	p.Instance = instance
	b, _ := json.Marshal(p)
	return p.Status, b
}
