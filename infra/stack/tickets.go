package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
)

// Generated ticket signing seed: ticketSeedLength characters of [A-Za-z0-9].
// All of them are base64 digits in both the standard and the URL alphabet,
// and 43 unpadded base64 digits decode to exactly the 32 bytes of an Ed25519
// seed (the last digit's two low bits are dropped), which is what
// ticket.KeyFromSeed accepts. 43 draws from 62 symbols carry about 254 bits.
const ticketSeedLength = 43

// ticketSeedSecretName is the name of the secret holding stage's ticket
// signing seed.
func ticketSeedSecretName(stage string) string { return "kabinet/" + stage + "/ticket-signing-seed" }

// newTicketSigningSeed creates the secret holding the seed of the Ed25519 key
// that signs the QR codes of booking confirmations. CloudFormation generates
// the value when it creates the secret, so it is never in the template, in
// the repository or on a deployer's machine; it is encrypted with the
// stack's key.
//
// The secret is retained and has no rotation schedule, on purpose: QR codes
// already handed out are verified with this key, so a value that drops it
// would make every issued confirmation fail at reception. A rotation is a
// key ring put by hand (README "Rotating the ticket-signing key"): the new
// key signs, the old one still verifies. The booking function reads it at
// start (secrets.go).
func newTicketSigningSeed(scope constructs.Construct, stage string, key awskms.IKey) awssecretsmanager.Secret {
	return awssecretsmanager.NewSecret(scope, jsii.String("TicketSigningSeed"), &awssecretsmanager.SecretProps{
		SecretName:    jsii.String(ticketSeedSecretName(stage)),
		Description:   jsii.String("Base64 Ed25519 seed signing Kabinet booking QR codes; never rotate automatically (issued codes would stop verifying)"),
		EncryptionKey: key,
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(ticketSeedLength),
			ExcludePunctuation: jsii.Bool(true),
			IncludeSpace:       jsii.Bool(false),
		},
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
}

// configureVideoLinks gives the functions whose entry asks for them
// (booking alone) the link prefix of video appointments.
func configureVideoLinks(fns map[string]awslambda.Function, p Props) {
	for _, f := range functions.All {
		if f.Needs.VideoLinks {
			fns[f.Name].AddEnvironment(jsii.String("VIDEO_BASE_URL"), jsii.String(p.VideoBaseURL), nil)
		}
	}
}
