#!/usr/bin/env python3
"""check_spdx.py DOC.json... - check an SPDX 3.0.1 JSON-LD document.

No validator for SPDX 3 is packaged for npm or Debian (spdx3-validate is
on PyPI only), so this checker carries what the SPDX 3.0.1 specification
requires, written from its pages (docs/report.md cites them):

* the JSON-LD shape: "@context" is the 3.0.1 context, "@graph" a list of
  objects; every Element has an IRI spdxId (unique) and a creationInfo
  that names a CreationInfo of the graph; every reference names an
  element of the graph or one of the named individuals;
* CreationInfo: specVersion 3.0.1, created (a UTC date-time), createdBy
  (at least one Agent);
* the properties each class may carry (the JSON schema forbids others)
  and the enumerations used;
* AI profile: every ai_AIPackage has suppliedBy, releaseTime,
  software_downloadLocation, software_packageVersion and
  software_primaryPurpose (the class's cardinality updates), and exactly
  one hasDeclaredLicense and one hasConcludedLicense relationship to a
  licence (the profile's conformance clauses);
* Dataset profile: every dataset_DatasetPackage has builtTime,
  releaseTime, originatedBy, software_downloadLocation,
  software_primaryPurpose and dataset_datasetType (at least one), and
  exactly one declared and one concluded licence;
* licences: every LicenseRef- of a LicenseExpression is mapped by
  simplelicensing_customIdToUri to a CustomLicense of the graph, which
  has a licence text;
* the SpdxDocument lists every element and has the models as roots.

Exit 0 when every document passes, 1 with the problems on stderr.
"""
import json
import re
import sys

CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
IRI = re.compile(r"^(?!_:).+:.+")
BLANK = re.compile(r"^_:.+")
DATETIME = re.compile(r"^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
LICENSEREF = re.compile(r"\bLicenseRef-[A-Za-z0-9.\-]+")

INDIVIDUALS = {"NoAssertionElement", "NoneElement", "SpdxOrganization",
               "expandedlicensing_NoAssertionLicense",
               "expandedlicensing_NoneLicense"}
LICENSE_INDIVIDUALS = {"expandedlicensing_NoAssertionLicense",
                       "expandedlicensing_NoneLicense"}
AGENTS = {"Agent", "Organization", "Person", "SoftwareAgent"}
LICENSES = {"simplelicensing_LicenseExpression",
            "expandedlicensing_CustomLicense",
            "expandedlicensing_ListedLicense",
            "expandedlicensing_ConjunctiveLicenseSet",
            "expandedlicensing_DisjunctiveLicenseSet"}

# Properties per class, as the 3.0.1 model gives them (only the classes
# pedigree writes; another class is an error, so nothing goes unchecked).
ELEMENT = {"type", "spdxId", "creationInfo", "name", "comment",
           "description", "summary", "extension", "externalIdentifier",
           "externalRef", "verifiedUsing"}
ARTIFACT = ELEMENT | {"builtTime", "originatedBy", "releaseTime",
                      "standardName", "suppliedBy", "supportLevel",
                      "validUntilTime"}
SOFTWARE_ARTIFACT = ARTIFACT | {"software_additionalPurpose",
                                "software_attributionText",
                                "software_contentIdentifier",
                                "software_copyrightText",
                                "software_primaryPurpose"}
PACKAGE = SOFTWARE_ARTIFACT | {"software_downloadLocation",
                               "software_homePage", "software_packageUrl",
                               "software_packageVersion",
                               "software_sourceInfo"}
ALLOWED = {
    "CreationInfo": {"type", "@id", "comment", "created", "createdBy",
                     "createdUsing", "specVersion"},
    "SpdxDocument": ELEMENT | {"element", "profileConformance",
                               "rootElement", "dataLicense", "import",
                               "namespaceMap"},
    "SoftwareAgent": ELEMENT, "Organization": ELEMENT, "Person": ELEMENT,
    "Agent": ELEMENT, "Tool": ELEMENT,
    "Relationship": ELEMENT | {"completeness", "endTime", "from",
                               "relationshipType", "startTime", "to"},
    "ai_AIPackage": PACKAGE | {
        "ai_autonomyType", "ai_domain", "ai_energyConsumption",
        "ai_hyperparameter", "ai_informationAboutApplication",
        "ai_informationAboutTraining", "ai_limitation", "ai_metric",
        "ai_metricDecisionThreshold", "ai_modelDataPreprocessing",
        "ai_modelExplainability", "ai_safetyRiskAssessment",
        "ai_standardCompliance", "ai_typeOfModel",
        "ai_useSensitivePersonalInformation"},
    "dataset_DatasetPackage": PACKAGE | {
        "dataset_anonymizationMethodUsed", "dataset_confidentialityLevel",
        "dataset_dataCollectionProcess", "dataset_dataPreprocessing",
        "dataset_datasetAvailability", "dataset_datasetNoise",
        "dataset_datasetSize", "dataset_datasetType",
        "dataset_datasetUpdateMechanism",
        "dataset_hasSensitivePersonalInformation", "dataset_intendedUse",
        "dataset_knownBias", "dataset_sensor"},
    "simplelicensing_LicenseExpression": ELEMENT | {
        "simplelicensing_customIdToUri",
        "simplelicensing_licenseExpression",
        "simplelicensing_licenseListVersion"},
    "expandedlicensing_CustomLicense": ELEMENT | {
        "expandedlicensing_isDeprecatedLicenseId",
        "expandedlicensing_isFsfLibre", "expandedlicensing_isOsiApproved",
        "expandedlicensing_licenseXml", "expandedlicensing_obsoletedBy",
        "expandedlicensing_seeAlso",
        "expandedlicensing_standardLicenseHeader",
        "expandedlicensing_standardLicenseTemplate",
        "simplelicensing_licenseText"},
}
# Required beyond spdxId and creationInfo: the class's own minimum
# cardinalities and, for the two profiles, the cardinality updates.
REQUIRED = {
    "CreationInfo": ["created", "createdBy", "specVersion"],
    "Relationship": ["from", "relationshipType", "to"],
    "ai_AIPackage": ["suppliedBy", "releaseTime",
                     "software_downloadLocation", "software_packageVersion",
                     "software_primaryPurpose"],
    "dataset_DatasetPackage": ["builtTime", "releaseTime", "originatedBy",
                               "software_downloadLocation",
                               "software_primaryPurpose",
                               "dataset_datasetType"],
    "simplelicensing_LicenseExpression":
        ["simplelicensing_licenseExpression"],
    "expandedlicensing_CustomLicense": ["simplelicensing_licenseText"],
}
RELATIONSHIP_TYPES = set("""affects amendedBy ancestorOf availableFrom
configures contains coordinatedBy copiedTo delegatedTo dependsOn
descendantOf describes doesNotAffect expandsTo exploitCreatedBy fixedBy
fixedIn foundBy generates hasAddedFile hasAssessmentFor
hasAssociatedVulnerability hasConcludedLicense hasDataFile
hasDeclaredLicense hasDeletedFile hasDependencyManifest
hasDistributionArtifact hasDocumentation hasDynamicLink hasEvidence
hasExample hasHost hasInput hasMetadata hasOptionalComponent
hasOptionalDependency hasOutput hasPrerequisite hasProvidedDependency
hasRequirement hasSpecification hasStaticLink hasTest hasTestCase
hasVariant invokedBy modifiedBy other packagedBy patchedBy publishedBy
reportedBy republishedBy serializedInArtifact testedOn trainedOn
underInvestigationFor usesTool""".split())
PURPOSES = set("""application archive bom configuration container data
device deviceDriver diskImage documentation evidence executable file
filesystemImage firmware framework install library manifest model module
operatingSystem other patch platform requirement source specification
test""".split())
DATASET_TYPES = set("""audio categorical graph image noAssertion numeric
other sensor structured syntactic text timeseries timestamp
video""".split())
PROFILES = set("""ai build core dataset expandedLicensing extension lite
security simpleLicensing software""".split())
DATETIMES = ["created", "releaseTime", "builtTime", "validUntilTime",
             "startTime", "endTime"]


def check(doc):
    errs = []
    err = errs.append
    if not isinstance(doc, dict) or set(doc) != {"@context", "@graph"}:
        return ["top level must be exactly {\"@context\", \"@graph\"}"]
    if doc["@context"] != CONTEXT:
        err("@context is not " + CONTEXT)
    graph = doc["@graph"]
    if not isinstance(graph, list) or not graph:
        return errs + ["@graph must be a non-empty list"]

    by_id, infos = {}, {}
    for i, o in enumerate(graph):
        t = o.get("type") if isinstance(o, dict) else None
        where = f"@graph[{i}] ({t})"
        if t not in ALLOWED:
            err(f"{where}: unknown or unexpected type")
            continue
        extra = set(o) - ALLOWED[t]
        if extra:
            err(f"{where}: properties not in the 3.0.1 model: "
                f"{sorted(extra)}")
        for p in REQUIRED.get(t, []):
            if p not in o or o[p] in ("", [], None):
                err(f"{where}: required property {p} missing")
        for p in DATETIMES:
            if p in o and not DATETIME.match(str(o[p])):
                err(f"{where}: {p} {o[p]!r} is not a UTC date-time")
        if t == "CreationInfo":
            if not BLANK.match(o.get("@id", "")) and \
                    not IRI.match(o.get("@id", "")):
                err(f"{where}: @id must be a blank node or an IRI")
            infos[o.get("@id")] = o
            if o.get("specVersion") != "3.0.1":
                err(f"{where}: specVersion must be 3.0.1")
            continue
        sid = o.get("spdxId", "")
        if not isinstance(sid, str) or not IRI.match(sid):
            err(f"{where}: spdxId {sid!r} is not an IRI")
        elif sid in by_id:
            err(f"{where}: spdxId {sid} is not unique")
        by_id[sid] = o

    def ref(where, v, kinds=None, individuals=INDIVIDUALS):
        if v in individuals:
            return True
        o = by_id.get(v)
        if o is None:
            err(f"{where}: {v!r} names no element of the graph")
            return False
        if kinds and o["type"] not in kinds:
            err(f"{where}: {v} is a {o['type']}, not one of "
                f"{sorted(kinds)}")
            return False
        return True

    for info in infos.values():
        by = info.get("createdBy", [])
        if not isinstance(by, list) or not by:
            err("CreationInfo: createdBy must list at least one Agent")
        for a in by if isinstance(by, list) else []:
            ref("CreationInfo.createdBy", a, AGENTS, set())
        for tool in info.get("createdUsing", []):
            ref("CreationInfo.createdUsing", tool, {"Tool"}, set())

    for sid, o in by_id.items():
        t, where = o["type"], f"{o['type']} {sid}"
        if o.get("creationInfo") not in infos:
            err(f"{where}: creationInfo names no CreationInfo")
        if "suppliedBy" in o:
            ref(where + " suppliedBy", o["suppliedBy"], AGENTS)
        if "originatedBy" in o:
            if not isinstance(o["originatedBy"], list) or \
                    not o["originatedBy"]:
                err(f"{where}: originatedBy must be a non-empty list")
            for a in o.get("originatedBy") or []:
                ref(where + " originatedBy", a, AGENTS)
        if "software_primaryPurpose" in o and \
                o["software_primaryPurpose"] not in PURPOSES:
            err(f"{where}: primaryPurpose {o['software_primaryPurpose']}")
        if t == "dataset_DatasetPackage":
            types = o.get("dataset_datasetType")
            if not isinstance(types, list) or not types or \
                    not set(types) <= DATASET_TYPES:
                err(f"{where}: dataset_datasetType {types!r}")
        if t == "ai_AIPackage" and "ai_typeOfModel" in o and \
                not isinstance(o["ai_typeOfModel"], list):
            err(f"{where}: ai_typeOfModel must be a list")
        if t == "Relationship":
            if o.get("relationshipType") not in RELATIONSHIP_TYPES:
                err(f"{where}: relationshipType "
                    f"{o.get('relationshipType')!r}")
            ref(where + " from", o.get("from"))
            to = o.get("to")
            if not isinstance(to, list) or not to:
                err(f"{where}: to must be a non-empty list")
            for v in to if isinstance(to, list) else []:
                ref(where + " to", v)
        if t == "simplelicensing_LicenseExpression":
            mapped = {}
            for d in o.get("simplelicensing_customIdToUri", []):
                if d.get("type") != "DictionaryEntry" or "key" not in d:
                    err(f"{where}: customIdToUri entries are "
                        "DictionaryEntry objects with a key")
                    continue
                mapped[d["key"]] = d.get("value")
            for lr in LICENSEREF.findall(
                    o.get("simplelicensing_licenseExpression", "")):
                if lr not in mapped:
                    err(f"{where}: {lr} has no customIdToUri entry")
                else:
                    ref(f"{where} {lr}", mapped[lr],
                        {"expandedlicensing_CustomLicense"}, set())

    # The profiles' conformance: exactly one declared and one concluded
    # licence per AI and dataset package.
    for sid, o in by_id.items():
        if o["type"] not in ("ai_AIPackage", "dataset_DatasetPackage"):
            continue
        for rt in ("hasDeclaredLicense", "hasConcludedLicense"):
            rels = [r for r in by_id.values() if r["type"] == "Relationship"
                    and r.get("from") == sid
                    and r.get("relationshipType") == rt]
            if len(rels) != 1:
                err(f"{o['type']} {sid}: {len(rels)} {rt} relationships, "
                    "the profile requires exactly one")
                continue
            for v in rels[0].get("to", []):
                ref(f"{sid} {rt}", v, LICENSES, LICENSE_INDIVIDUALS)

    docs = [o for o in by_id.values() if o["type"] == "SpdxDocument"]
    if len(docs) != 1:
        err(f"{len(docs)} SpdxDocument elements, want one")
    for d in docs:
        prof = set(d.get("profileConformance", []))
        if not prof <= PROFILES:
            err(f"SpdxDocument: unknown profiles {sorted(prof - PROFILES)}")
        for p in ("core", "ai", "dataset"):
            if p not in prof:
                err(f"SpdxDocument: profileConformance lacks {p}")
        listed = set(d.get("element", []))
        for sid in by_id:
            if sid != d["spdxId"] and sid not in listed:
                err(f"SpdxDocument: element does not list {sid}")
        roots = d.get("rootElement", [])
        if not roots:
            err("SpdxDocument: no rootElement")
        for r in roots:
            ref("SpdxDocument.rootElement", r, {"ai_AIPackage"}, set())
    return errs


def main(paths):
    if not paths:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    bad = 0
    for p in paths:
        try:
            with open(p, encoding="utf-8") as f:
                errs = check(json.load(f))
        except (OSError, ValueError) as e:
            errs = [f"cannot read: {e}"]
        if errs:
            bad += 1
            for e in errs:
                print(f"{p}: {e}", file=sys.stderr)
        else:
            print(f"{p}: SPDX 3.0.1, AI and Dataset profiles: ok")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
