/**
 * The ASN.1 schemas @peculiar/x509 is made of (@peculiar/asn1-csr, @peculiar/asn1-x509,
 * @peculiar/asn1-ecc over asn1js), without @peculiar/x509 itself: CSRs are built and read
 * with them (see csr.ts), and signed with node:crypto's synchronous `sign()` ({@link encodeSigned}).
 * @peculiar/x509 (with reflect-metadata and its dependency injection) stays in x509.ts, for
 * the paths that generate certificates (the sandbox, tests), so that `acmapi issue` loads none of it.
 */
import { constants, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ECParameters, id_ecPublicKey, id_secp256r1, id_secp384r1 } from '@peculiar/asn1-ecc';
import { AsnConvert, AsnSerializer } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { BitString, Sequence } from 'asn1js';
import { ECDSA_WITH_SHA256, ECDSA_WITH_SHA384, SHA256_WITH_RSA } from './der.js';
import { KEY_TYPE_SPECS, type KeyType } from './key-types.js';

export { AsnConvert, OctetString as AsnOctetString } from '@peculiar/asn1-schema';
export { Attributes as AsnAttributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
export {
  AlgorithmIdentifier,
  Attribute as AsnAttribute,
  AttributeTypeAndValue as AsnAttributeTypeAndValue,
  AttributeValue as AsnAttributeValue,
  Extension as AsnExtension,
  Extensions as AsnExtensions,
  GeneralName as AsnGeneralName,
  Name as AsnName,
  RelativeDistinguishedName as AsnRelativeDistinguishedName,
  SubjectAlternativeName as AsnSubjectAlternativeName,
} from '@peculiar/asn1-x509';

/** What {@link signTbs} returns: the two fields that follow the signed bytes in a signed structure. */
export interface TbsSignature {
  /** The signature algorithm (RFC 5280 §4.1.1.2, RFC 2986 §4.2). */
  algorithm: AlgorithmIdentifier;
  /** The signature value: PKCS#1 v1.5 for RSA, the DER `Ecdsa-Sig-Value` for ECDSA (RFC 3279 §2.2.3). */
  signature: Buffer;
}

/**
 * Signs to-be-signed DER (a CertificationRequestInfo, a TBSCertificate) synchronously with
 * node:crypto: RSA PKCS#1 v1.5 with SHA-256 (`sha256WithRSAEncryption`, its parameters
 * NULL, RFC 4055 §5), ECDSA P-256 with SHA-256 and P-384 with SHA-384 (`ecdsa-with-SHA256/384`,
 * no parameters, RFC 5758 §3.2; BR §7.1.3.2.2). ECDSA signatures come DER-encoded, as X.509 wants.
 *
 * @param tbs - the exact bytes to sign.
 * @param privateKey - the signer's key, of type `keyType`.
 */
export function signTbs(tbs: Uint8Array, privateKey: KeyObject, keyType: KeyType): TbsSignature {
  const spec = KEY_TYPE_SPECS[keyType];
  if (spec.algorithm === 'rsa') {
    return {
      algorithm: new AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null }),
      signature: sign('sha256', tbs, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }),
    };
  }
  const [oid, hash] = spec.hash === 'SHA-256' ? [ECDSA_WITH_SHA256, 'sha256'] : [ECDSA_WITH_SHA384, 'sha384'];
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: oid }),
    signature: sign(hash, tbs, { key: privateKey, dsaEncoding: 'der' }),
  };
}

/**
 * Encodes a to-be-signed ASN.1 object (an asn1-schema object: CertificationRequestInfo,
 * TBSCertificate), signs its DER with {@link signTbs}, and returns the DER of the signed
 * structure `SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }` (RFC 2986 §4.2,
 * RFC 5280 §4.1). The tbs is turned into asn1js blocks once and those blocks are embedded
 * as they are, so the bytes signed are the bytes sent, and the schema walk is not done twice.
 *
 * @param tbs - the object to sign, of a class with an asn1-schema schema.
 * @param privateKey - the signer's key, of type `keyType`.
 */
export function encodeSigned(tbs: object, privateKey: KeyObject, keyType: KeyType): Uint8Array {
  const tbsBlock = AsnSerializer.toASN(tbs);
  const { algorithm, signature } = signTbs(new Uint8Array(tbsBlock.toBER(false)), privateKey, keyType);
  const signed = new Sequence({
    value: [tbsBlock, AsnSerializer.toASN(algorithm), new BitString({ valueHex: signature })],
  });
  return new Uint8Array(signed.toBER(false));
}

/** The namedCurve parameters of an EC SubjectPublicKeyInfo (RFC 5480 §2.1.1), per JWK curve name. */
const EC_CURVE_PARAMETERS: Readonly<Record<string, ArrayBuffer>> = {
  'P-256': AsnConvert.serialize(new ECParameters({ namedCurve: id_secp256r1 })),
  'P-384': AsnConvert.serialize(new ECParameters({ namedCurve: id_secp384r1 })),
};

/**
 * The SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of a key's public half, as an ASN.1 object.
 *
 * For EC keys it is assembled from the key's JWK (RFC 7518 §6.2.1: x and y padded to the
 * curve's size) as `id-ecPublicKey`, namedCurve, uncompressed point (RFC 5480 §2.1.1, §2.2),
 * which is exactly what node's own SPKI export writes; node's export goes through OpenSSL's
 * encoder lookup and takes about 0.2 ms, the JWK about 0.01 ms. RSA keys (whose generation
 * takes 50 ms and more) use node's export.
 *
 * @param key - a private or public key of an allowed type.
 */
export function subjectPublicKeyInfoOf(key: KeyObject): SubjectPublicKeyInfo {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  if (publicKey.asymmetricKeyType === 'ec') {
    const jwk = publicKey.export({ format: 'jwk' });
    const parameters = jwk.crv === undefined ? undefined : EC_CURVE_PARAMETERS[jwk.crv];
    if (parameters !== undefined && jwk.x !== undefined && jwk.y !== undefined) {
      const point = Buffer.concat([Buffer.of(0x04), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
      return new SubjectPublicKeyInfo({
        algorithm: new AlgorithmIdentifier({ algorithm: id_ecPublicKey, parameters }),
        subjectPublicKey: new Uint8Array(point).buffer,
      });
    }
  }
  return AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
}

