//! The declarations of one module directory: those of its `.tf` and `.tf.json` files together.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::decl::{CallDecl, Decls, Expr, ProviderDecl, ResourceDecl};
use super::eval::LocalDef;

/// Everything a module directory declares.
pub struct ModuleDef<'a> {
    pub dir: PathBuf,
    /// Each variable and its default.
    pub variables: BTreeMap<&'a str, Option<&'a Expr>>,
    /// Each variable's type constraint, when it has one.
    pub types: BTreeMap<&'a str, &'a Expr>,
    pub locals: Vec<(&'a str, &'a Expr)>,
    pub providers: Vec<&'a ProviderDecl>,
    pub resources: Vec<&'a ResourceDecl>,
    pub data: Vec<&'a ResourceDecl>,
    pub outputs: Vec<(&'a str, &'a Expr)>,
    pub calls: Vec<&'a CallDecl>,
}

impl<'a> ModuleDef<'a> {
    pub fn read(dir: PathBuf, files: &[&'a Decls]) -> Self {
        ModuleDef {
            dir,
            variables: files
                .iter()
                .flat_map(|d| &d.variables)
                .map(|v| (v.name.as_str(), v.default.as_ref()))
                .collect(),
            types: files
                .iter()
                .flat_map(|d| &d.variables)
                .filter_map(|v| Some((v.name.as_str(), v.type_expr.as_ref()?)))
                .collect(),
            locals: files
                .iter()
                .flat_map(|d| &d.locals)
                .map(|(name, expr)| (name.as_str(), expr))
                .collect(),
            providers: files.iter().flat_map(|d| &d.providers).collect(),
            resources: files.iter().flat_map(|d| &d.resources).collect(),
            data: files.iter().flat_map(|d| &d.data).collect(),
            outputs: files
                .iter()
                .flat_map(|d| &d.outputs)
                .map(|(name, expr)| (name.as_str(), expr))
                .collect(),
            calls: files.iter().flat_map(|d| &d.calls).collect(),
        }
    }

    pub fn local_defs(&self) -> BTreeMap<String, LocalDef<'a>> {
        self.locals
            .iter()
            .map(|(name, expr)| ((*name).to_owned(), LocalDef { expr }))
            .collect()
    }
}
